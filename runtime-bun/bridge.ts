/**
 * Bun transport for the TCP JSONL node bridge (docs/bridge-protocol.md):
 * `Bun.listen` sockets translated to core BridgeConnections, with write
 * buffering under backpressure. Listens where the gateway listens, on the
 * gateway port + 1 unless told otherwise.
 */
import type { Socket, TCPSocketListener } from "bun";
import { BridgeConnection, type BridgeTransport } from "../core/bridge/connection.ts";
import { TopicFanout } from "../core/bridge/topics.ts";
import { isLoopbackIp } from "../core/net/address.ts";
import { listenEvery } from "../core/net/listeners.ts";
import type { RunningBridge, RunningGateway } from "./host/platform.ts";

/** How long a closing socket may take to flush its last lines and see the peer close before it is cut. */
const CLOSE_FLUSH_GRACE_MS = 1_000;

interface SocketData {
  conn?: BridgeConnection;
  transport?: QueuedTransport;
}

const encoder = new TextEncoder();

/** Writes what the kernel takes now and queues the rest until `drain`. */
class QueuedTransport implements BridgeTransport {
  private queue: Uint8Array[] = [];
  private pending = 0;
  private ending = false;

  constructor(private readonly socket: Socket<SocketData>) {}

  write(text: string): void {
    if (this.ending) return;
    const bytes = encoder.encode(text);
    if (this.queue.length > 0) {
      this.queue.push(bytes);
      this.pending += bytes.length;
      return;
    }
    const written = Math.max(0, this.socket.write(bytes));
    if (written < bytes.length) {
      this.queue.push(bytes.subarray(written));
      this.pending += bytes.length - written;
    }
  }

  /**
   * Half-closes after the queue drains, then gives the peer a grace period
   * to close its side. Closing outright while the peer's unread lines sit in
   * our receive buffer would make the kernel send RST, and the peer would
   * lose the lines still in flight, the close line among them.
   */
  end(): void {
    if (this.ending) return;
    this.ending = true;
    if (this.pending === 0) this.shutdown();
    setTimeout(() => this.socket.terminate(), CLOSE_FLUSH_GRACE_MS).unref?.();
  }

  private shutdown(): void {
    this.socket.flush();
    this.socket.shutdown();
  }

  buffered(): number {
    return this.pending;
  }

  /** The socket can take more bytes. */
  drain(): void {
    while (this.queue.length > 0) {
      const head = this.queue[0]!;
      const written = Math.max(0, this.socket.write(head));
      this.pending -= written;
      if (written < head.length) {
        this.queue[0] = head.subarray(written);
        return;
      }
      this.queue.shift();
    }
    if (this.ending) this.shutdown();
  }
}

/** Starts the bridge next to a running gateway; throws when a listen address is taken. */
export async function serveBridge(running: RunningGateway, opts: { port?: number; hostnames?: string[] } = {}): Promise<RunningBridge> {
  const { gateway } = running;
  const topics = new TopicFanout();
  running.addPublisher(topics);
  const bind = (hostname: string, port: number): TCPSocketListener<SocketData> => Bun.listen<SocketData>({
    hostname,
    port,
    socket: {
      open(socket) {
        const transport = new QueuedTransport(socket);
        const address = socket.remoteAddress;
        const conn = new BridgeConnection(
          { remoteAddress: address, isLoopback: isLoopbackIp(address), forwarded: false, headers: new Headers() },
          transport,
          topics,
          () => gateway.now(),
        );
        socket.data = { conn, transport };
        conn.attach(gateway.open(conn));
      },
      data(socket, chunk) {
        socket.data.conn?.onData(chunk);
      },
      drain(socket) {
        socket.data.transport?.drain();
      },
      close(socket) {
        socket.data.conn?.onEnd();
      },
      error(socket) {
        socket.data.conn?.onEnd();
      },
    },
  });

  const hostnames = opts.hostnames ?? running.hostnames;
  const { listeners, port } = await listenEvery(hostnames, opts.port ?? running.port + 1, bind);
  return {
    port,
    hostnames,
    stop() {
      for (const l of listeners) l.stop(true);
    },
  };
}
