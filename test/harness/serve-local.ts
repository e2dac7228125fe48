/**
 * How the local fakes of outside services are served, so one fake runs on Bun (./serve-bun.ts) and on Deno
 * (test/deno/gateway-host.ts): on 127.0.0.1, port 0, a fetch handler that may upgrade its request to a WebSocket,
 * and that socket's events. Runtime-agnostic.
 */

/** A server-side WebSocket: Bun's ServerWebSocket and a wrapped Deno WebSocket both fit. */
export interface FakeSocket {
  send(text: string): void;
  close(code?: number, reason?: string): void;
  /** Cuts the connection without a close frame (what a network drop looks like). */
  terminate(): void;
}

/** What a fake does with its WebSocket connections. */
export interface SocketEvents {
  open(ws: FakeSocket): void;
  message(ws: FakeSocket, text: string): void;
  close(ws: FakeSocket): void;
}

/**
 * A fake's request handler. `upgrade()` turns the request into a WebSocket served by the SocketEvents: return what
 * it gives (nothing on Bun, the 101 response on Deno); it gives null for a request that is no WebSocket upgrade.
 */
export type FakeFetch = (req: Request, upgrade: () => Response | undefined | null) => Response | undefined | Promise<Response>;

/** A running fake server. */
export interface LocalServer {
  port: number;
  stop(): void;
}

/** Serves `fetch` (and WebSockets, given `sockets`) on 127.0.0.1, port 0, with no idle timeout: long polls stay open. */
export type ServeLocal = (fetch: FakeFetch, sockets?: SocketEvents) => LocalServer;
