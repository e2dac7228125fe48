/**
 * Bun transport: `Bun.serve` carries the WebSocket protocol and the hono HTTP
 * app on one port; sockets are translated to core Connections and native
 * `publish` does broadcast fan-out.
 */
import type { Server, ServerWebSocket } from "bun";
import type { Client } from "../core/client.ts";
import { Gateway } from "../core/gateway.ts";
import { createHttpApp, proxyAttributionRefusal } from "../core/http/app.ts";
import { isLoopbackIp } from "../core/net/address.ts";
import { negotiateCodec, offeredSubprotocols, type FrameCodec, type WireFrame } from "../core/protocol/codec.ts";
import { MAX_BUFFERED_BYTES, MAX_PAYLOAD_BYTES } from "../core/protocol/limits.ts";
import type { Connection, PeerInfo, Publisher, SendStatus } from "../core/runtime.ts";
import type { RunningGateway, ServeOptions } from "./platform.ts";

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

function peerOf(req: Request, server: Server<SocketData>): PeerInfo {
  const address = server.requestIP(req)?.address ?? "";
  const h = req.headers;
  return {
    remoteAddress: address,
    isLoopback: isLoopbackIp(address),
    origin: h.get("origin") ?? undefined,
    host: h.get("host") ?? undefined,
    forwarded: h.has("x-forwarded-for") || h.has("forwarded") || h.has("x-real-ip"),
    userAgent: h.get("user-agent") ?? undefined,
    headers: h,
  };
}

/**
 * Binds every address (synchronously: Bun.serve throws rather than waits) and
 * starts the gateway's timers. The first hostname must bind; a later one that
 * cannot (no ::1 in some containers) is logged and left out of `hostnames`.
 */
export function serveGateway(options: ServeOptions): RunningGateway {
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
  const app = createHttpApp(gateway);
  const trusted = () => gateway.config.gateway?.trustedProxies ?? [];

  const listen = (hostname: string, port: number) => Bun.serve<SocketData>({
    hostname,
    port,
    fetch(req, server) {
      if (req.headers.get("upgrade")?.toLowerCase() === "websocket" && new URL(req.url).pathname === "/") {
        const peer = peerOf(req, server);
        if (peer.forwarded && !trusted().includes(peer.remoteAddress)) return proxyAttributionRefusal();
        const { codec, subprotocol } = negotiateCodec(offeredSubprotocols(req.headers.get("sec-websocket-protocol")));
        const headers = subprotocol ? { "Sec-WebSocket-Protocol": subprotocol } : undefined;
        if (server.upgrade(req, { data: { peer, codec }, headers })) return undefined;
        return new Response("WebSocket upgrade failed", { status: 400 });
      }
      return app.fetch(req, { peer: peerOf(req, server) });
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

  const [first, ...rest] = options.hostnames;
  servers.push(listen(first!, options.port));
  const port = servers[0]!.port!;
  const bound = [first!];
  for (const hostname of rest) {
    try {
      servers.push(listen(hostname, port));
      bound.push(hostname);
    } catch (error) {
      // ::1 is missing on some hosts (containers without IPv6); IPv4 loopback still serves.
      options.logger.warn("gateway", `not listening on ${hostname}`, { error: String(error) });
    }
  }
  gateway.start();

  return {
    gateway,
    port,
    hostnames: bound,
    addPublisher: (publisher) => void publishers.push(publisher),
    async stop(restartExpectedMs) {
      gateway.shutdown(restartExpectedMs);
      // Let the close frames flush before the listeners go away.
      await Bun.sleep(20);
      for (const s of servers) s.stop(true);
    },
  };
}
