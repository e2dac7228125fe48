/**
 * A channel's own HTTP listener on Bun (core/runtime.ts HttpListen): `Bun.serve`
 * with the socket's peer address handed to the handler.
 */
import type { HttpListen } from "../core/runtime.ts";

/** Longer than the 30 s body deadline handlers keep, so their 408 answers a slow body before the socket goes idle. */
const IDLE_TIMEOUT_S = 60;

export const listenHttp: HttpListen = async (hostname, port, handle) => {
  const server = Bun.serve({ hostname, port, idleTimeout: IDLE_TIMEOUT_S, fetch: (req, srv) => handle(req, srv.requestIP(req)?.address ?? "") });
  return { port: server.port!, close: () => server.stop(true) };
};
