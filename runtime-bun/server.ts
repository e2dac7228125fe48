/**
 * Bun transport: `Bun.serve` carries the WebSocket protocol and the hono HTTP
 * app on one port; sockets are translated to core Connections and native
 * `publish` does broadcast fan-out.
 */
import type { Server, ServerWebSocket } from "bun";
import type { Client } from "../core/client.ts";
import { Gateway } from "../core/gateway.ts";
import { createHttpApp } from "../core/http/app.ts";
import { controlUiHost } from "./host/control-ui.ts";
import { admitUpgrade } from "../core/http/upgrade.ts";
import { listenEvery, stopGateway } from "../core/net/listeners.ts";
import type { FrameCodec, WireFrame } from "../core/protocol/codec.ts";
import { MAX_BUFFERED_BYTES, MAX_PAYLOAD_BYTES } from "../core/protocol/limits.ts";
import type { Connection, PeerInfo, Publisher, SendStatus } from "../core/runtime.ts";
import type { RunningGateway, ServeOptions } from "./host/platform.ts";

export type { RunningGateway, ServeOptions };

interface SocketData {
  peer: PeerInfo;
  codec: FrameCodec;
  client?: Client;
}

function connectionFor(ws: ServerWebSocket<SocketData>): Connection {
  return {
    peer: ws.data.peer,
    codec: ws.data.codec,
    send(frame: WireFrame): SendStatus {
      const status = ws.send(frame);
      return status > 0 ? "sent" : status === -1 ? "queued" : "dropped";
    },
    close: (code, reason) => ws.close(code, reason),
    subscribe: (topic) => ws.subscribe(topic),
    unsubscribe: (topic) => ws.unsubscribe(topic),
    bufferedAmount: () => ws.getBufferedAmount(),
    pauseReading: () => ws.pause(),
    resumeReading: () => ws.resume(),
  };
}

/**
 * Binds every address through core's listenEvery and starts the gateway's
 * timers. The first hostname must bind; a later one that cannot (no ::1 in
 * some containers) is logged and left out of `hostnames`.
 */
export async function serveGateway(options: ServeOptions): Promise<RunningGateway> {
  const servers: Server<SocketData>[] = [];
  const publishers: Publisher[] = [];
  const gateway = new Gateway({
    ...options,
    publisher: {
      publish: (topic, text) => {
        for (const s of servers) s.publish(topic, text);
        for (const p of publishers) p.publish(topic, text);
      },
    },
  });
  const app = createHttpApp(gateway, controlUiHost);
  const trusted = () => gateway.config.gateway?.trustedProxies ?? [];

  const listen = (hostname: string, port: number) => Bun.serve<SocketData>({
    hostname,
    port,
    fetch(req, server) {
      const decision = admitUpgrade({ remoteAddress: server.requestIP(req)?.address ?? "", url: req.url, headers: req.headers }, trusted());
      if (decision.kind === "http") return app.fetch(req, { peer: decision.peer });
      if (decision.kind === "refuse") return decision.response;
      const { peer, codec, subprotocol, ready } = decision;
      const headers = subprotocol ? { "Sec-WebSocket-Protocol": subprotocol } : undefined;
      const upgrade = () => (server.upgrade(req, { data: { peer, codec }, headers }) ? undefined : new Response("WebSocket upgrade failed", { status: 400 }));
      return ready ? ready.then(upgrade) : upgrade();
    },
    websocket: {
      maxPayloadLength: MAX_PAYLOAD_BYTES,
      backpressureLimit: MAX_BUFFERED_BYTES,
      closeOnBackpressureLimit: false,
      perMessageDeflate: false,
      idleTimeout: 120,
      sendPings: true,
      publishToSelf: true,
      open(ws) {
        ws.data.client = gateway.open(connectionFor(ws));
      },
      message(ws, message) {
        ws.data.client?.onMessage(message);
      },
      close(ws) {
        ws.data.client?.onClosed();
      },
    },
  });

  const listening = await listenEvery(
    options.hostnames,
    options.port,
    (hostname, port) => {
      const server = listen(hostname, port);
      servers.push(server);
      return { port: server.port!, stop: () => void server.stop(true) };
    },
    (hostname, error) => options.logger.warn("gateway", `not listening on ${hostname}`, { error: String(error) }),
  );
  gateway.start();

  return {
    gateway,
    port: listening.port,
    hostnames: listening.hostnames,
    addPublisher: (publisher) => void publishers.push(publisher),
    stop: (restartExpectedMs) => stopGateway(gateway, restartExpectedMs, () => {
      for (const l of listening.listeners) l.stop();
    }),
  };
}
