/** The local fakes (./serve-local.ts) on Bun.serve. */
import type { ServeLocal } from "./serve-local.ts";

export const serveBun: ServeLocal = (fetch, sockets) => {
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    idleTimeout: 0,
    fetch: (req, srv) => fetch(req, () => (srv.upgrade(req, { data: undefined }) ? undefined : null)),
    websocket: {
      open: (ws) => sockets?.open(ws),
      message: (ws, raw) => sockets?.message(ws, typeof raw === "string" ? raw : new TextDecoder().decode(raw)),
      close: (ws) => sockets?.close(ws),
    },
  });
  return { port: server.port!, stop: () => void server.stop(true) };
};
