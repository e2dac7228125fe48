/**
 * Node transport for the TCP JSONL node bridge (docs/bridge-protocol.md):
 * node:net sockets translated to core BridgeConnections. Node's socket
 * buffers writes itself, so the transport is a thin wrapper. Listens where
 * the gateway listens, on the gateway port + 1 unless told otherwise.
 */
import { createServer, type Socket } from "node:net";
import { BridgeConnection, type BridgeTransport } from "../core/bridge/connection.ts";
import { TopicFanout } from "../core/bridge/topics.ts";
import { isLoopbackIp } from "../core/net/address.ts";
import { listenEvery } from "../core/net/listeners.ts";
import type { RunningBridge, RunningGateway } from "../runtime-bun/host/platform.ts";
import { boundPort, listen } from "./listen.ts";

/** How long a closing socket may take to flush its last lines and see the peer close before it is cut. */
const CLOSE_FLUSH_GRACE_MS = 1_000;

class SocketTransport implements BridgeTransport {
  private ending = false;

  constructor(private readonly socket: Socket) {}

  write(text: string): void {
    if (!this.ending) this.socket.write(text);
  }

  /**
   * Half-closes once the queue is written, then gives the peer a grace period
   * to close its side, so its unread lines (the close line among them) are
   * not lost to an RST.
   */
  end(): void {
    if (this.ending) return;
    this.ending = true;
    this.socket.end();
    setTimeout(() => this.socket.destroy(), CLOSE_FLUSH_GRACE_MS).unref();
  }

  buffered(): number {
    return this.socket.writableLength;
  }
}

/** Starts the bridge next to a running gateway; rejects when a listen address is taken. */
export async function serveBridge(running: RunningGateway, opts: { port?: number; hostnames?: string[] } = {}): Promise<RunningBridge> {
  const { gateway } = running;
  const topics = new TopicFanout();
  running.addPublisher(topics);
  const sockets = new Set<Socket>();
  const bind = async (hostname: string, port: number) => {
    const server = createServer({ noDelay: true }, (socket) => {
      sockets.add(socket);
      const address = socket.remoteAddress ?? "";
      const conn = new BridgeConnection(
        { remoteAddress: address, isLoopback: isLoopbackIp(address), forwarded: false, headers: new Headers() },
        new SocketTransport(socket),
        topics,
        () => gateway.now(),
      );
      socket.on("data", (chunk: Buffer) => conn.onData(chunk));
      // 'close' follows every 'error'; the connection ends there.
      socket.on("error", () => undefined);
      socket.on("close", () => {
        sockets.delete(socket);
        conn.onEnd();
      });
      conn.attach(gateway.open(conn));
    });
    await listen(server, hostname, port);
    return { server, port: boundPort(server), stop: () => void server.close() };
  };

  const hostnames = opts.hostnames ?? running.hostnames;
  const { listeners, port } = await listenEvery(hostnames, opts.port ?? running.port + 1, bind);
  return {
    port,
    hostnames,
    stop() {
      for (const l of listeners) l.stop();
      for (const socket of sockets) socket.destroy();
    },
  };
}
