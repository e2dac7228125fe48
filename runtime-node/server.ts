/**
 * Node transport: a node:http server per listen address carries the hono
 * HTTP app (@hono/node-server) and the WebSocket protocol (`ws`, upgraded
 * here so peer facts come from the socket itself). Sockets become core
 * Connections; broadcast topics fan out through core's TopicFanout, and a
 * frame past maxBufferedBytes is dropped, as Bun's backpressure limit does.
 */
import { getRequestListener } from "@hono/node-server";
import { createServer, STATUS_CODES, type IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocketServer, type WebSocket } from "ws";
import { TopicFanout } from "../core/bridge/topics.ts";
import type { Client } from "../core/client.ts";
import { Gateway } from "../core/gateway.ts";
import { createHttpApp } from "../core/http/app.ts";
import { controlUiHost } from "../runtime-bun/host/control-ui.ts";
import { admitUpgrade, peerFrom } from "../core/http/upgrade.ts";
import { listenEvery, stopGateway } from "../core/net/listeners.ts";
import { negotiateCodec, type FrameCodec, type WireFrame } from "../core/protocol/codec.ts";
import { Close } from "../core/protocol/errors.ts";
import { MAX_BUFFERED_BYTES, MAX_PAYLOAD_BYTES, MAX_PREAUTH_READ_BYTES } from "../core/protocol/limits.ts";
import type { Connection, PeerInfo, Publisher, SendStatus } from "../core/runtime.ts";
import type { RunningGateway, ServeOptions } from "../runtime-bun/host/platform.ts";
import { boundPort, listen } from "./listen.ts";

/** Ping cadence; a socket that answered neither of two pings is dead (Bun: idleTimeout 120 s with pings). */
const PING_INTERVAL_MS = 60_000;

function headersOf(req: IncomingMessage): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v);
  }
  return headers;
}

/** A Response written onto a socket that never became a WebSocket, then closed. */
async function writeResponse(socket: Duplex, response: Response): Promise<void> {
  const body = Buffer.from(await response.arrayBuffer());
  const head = [`HTTP/1.1 ${response.status} ${STATUS_CODES[response.status] ?? ""}`, "Connection: close", `Content-Length: ${body.length}`];
  response.headers.forEach((value, name) => {
    if (name !== "content-length" && name !== "connection") head.push(`${name}: ${value}`);
  });
  socket.end(Buffer.concat([Buffer.from(`${head.join("\r\n")}\r\n\r\n`), body]));
}

function connectionFor(ws: WebSocket, socket: Duplex, peer: PeerInfo, codec: FrameCodec, topics: TopicFanout): Connection {
  let corked = false;
  const uncork = () => {
    corked = false;
    socket.uncork();
  };
  const conn: Connection = {
    peer,
    codec,
    send(frame: WireFrame): SendStatus {
      if (ws.readyState !== ws.OPEN) return "dropped";
      // Past maxBufferedBytes this peer is a slow consumer: the frame is dropped, not queued (§1.4).
      if (ws.bufferedAmount > MAX_BUFFERED_BYTES) return "dropped";
      // Frames sent in one turn leave in one write (as uWS corks under Bun): a burst of events
      // costs one syscall per socket, not one per frame.
      if (!corked) {
        corked = true;
        socket.cork();
        process.nextTick(uncork);
      }
      ws.send(frame);
      return ws.bufferedAmount > 0 ? "queued" : "sent";
    },
    close: (code, reason) => {
      ws.close(code, reason);
      // A socket the pre-auth gate still pauses is never read again (what its peer sent may be
      // megabytes of an unfinished message): it ends once the close frame is written, as under Bun,
      // instead of waiting for the peer's close frame.
      if (ws.isPaused) socket.end(() => socket.destroy());
    },
    subscribe: (topic) => topics.subscribe(topic, conn),
    unsubscribe: (topic) => topics.unsubscribe(topic, conn),
    bufferedAmount: () => ws.bufferedAmount,
    // ws's own pause, not the socket's: ws resumes a socket it did not see paused when its parser drains.
    pauseReading: () => ws.pause(),
    resumeReading: () => ws.resume(),
  };
  return conn;
}

/** Starts listening; resolves once every address is bound. */
export async function serveGateway(options: ServeOptions): Promise<RunningGateway> {
  const topics = new TopicFanout();
  const publishers: Publisher[] = [topics];
  const gateway = new Gateway({
    ...options,
    publisher: { publish: (topic, text) => publishers.forEach((p) => p.publish(topic, text)) },
  });
  const app = createHttpApp(gateway, controlUiHost);
  const trusted = () => gateway.config.gateway?.trustedProxies ?? [];
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_PAYLOAD_BYTES,
    perMessageDeflate: false,
    clientTracking: false,
    handleProtocols: (offered) => negotiateCodec([...offered]).subprotocol ?? false,
  });
  const sockets = new Map<WebSocket, { alive: boolean }>();

  const accept = (ws: WebSocket, socket: Duplex, peer: PeerInfo, codec: FrameCodec) => {
    const conn = connectionFor(ws, socket, peer, codec, topics);
    const state = { alive: true };
    sockets.set(ws, state);
    const client: Client = gateway.open(conn);
    // ws assembles a message up to maxPayload (25 MiB) before core sees it; counting the raw bytes of a socket
    // that has not authenticated closes it once it sends more than a handshake can need (§1.4), so one holding a
    // pre-auth read slot makes this process hold ~1 MiB, not 25 (with its copies, until they are collected).
    let preauthBytes = 0;
    const countPreauth = (chunk: Buffer) => {
      if (client.state === "ready" || client.state === "closed") return void socket.off("data", countPreauth);
      preauthBytes += chunk.length;
      if (preauthBytes > MAX_PREAUTH_READ_BYTES) client.close(Close.tooBig, "frame too large");
    };
    socket.on("data", countPreauth);
    ws.on("message", (data, isBinary) => {
      state.alive = true;
      // binaryType "nodebuffer": a binary message is one Buffer.
      client.onMessage(isBinary ? (data as Buffer) : data.toString());
    });
    ws.on("pong", () => (state.alive = true));
    // ws reports protocol violations (oversized frame, bad UTF-8) here and then closes the socket itself.
    ws.on("error", () => undefined);
    ws.on("close", () => {
      sockets.delete(ws);
      topics.drop(conn);
      client.onClosed();
    });
  };

  const onUpgrade = async (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on("error", () => socket.destroy());
    const headers = headersOf(req);
    const decision = admitUpgrade({ remoteAddress: req.socket.remoteAddress ?? "", url: req.url ?? "/", headers }, trusted());
    if (decision.kind === "accept") {
      await decision.ready;
      // ws answers the negotiated subprotocol itself (handleProtocols).
      wss.handleUpgrade(req, socket, head, (ws) => accept(ws, socket, decision.peer, decision.codec));
      return;
    }
    if (decision.kind === "refuse") return writeResponse(socket, decision.response);
    const url = new URL(req.url ?? "/", `http://${headers.get("host") ?? "localhost"}`);
    await writeResponse(socket, await app.fetch(new Request(url, { headers }), { peer: decision.peer }));
  };
  const onRequest = getRequestListener((req, env) => app.fetch(req, { peer: peerFrom(env.incoming.socket.remoteAddress ?? "", req.headers) }), { overrideGlobalObjects: false });

  const bind = async (hostname: string, port: number) => {
    const server = createServer(onRequest);
    server.on("upgrade", (req, socket, head) => void onUpgrade(req, socket, head).catch(() => socket.destroy()));
    await listen(server, hostname, port);
    return { server, port: boundPort(server), stop: () => void server.close() };
  };
  const listening = await listenEvery(options.hostnames, options.port, bind, (hostname, error) => {
    options.logger.warn("gateway", `not listening on ${hostname}`, { error: String(error) });
  });
  const pings = setInterval(() => {
    for (const [ws, state] of sockets) {
      if (!state.alive) ws.terminate();
      else {
        state.alive = false;
        ws.ping();
      }
    }
  }, PING_INTERVAL_MS);
  pings.unref();
  gateway.start();

  return {
    gateway,
    port: listening.port,
    hostnames: listening.hostnames,
    addPublisher: (publisher) => void publishers.push(publisher),
    stop: (restartExpectedMs) => stopGateway(gateway, restartExpectedMs, async () => {
      clearInterval(pings);
      for (const ws of sockets.keys()) ws.terminate();
      await Promise.all(listening.listeners.map(({ server }) => new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      })));
    }),
  };
}
