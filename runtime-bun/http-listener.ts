/** `ListenHttp` on `Bun.serve`: a side listener such as the Telegram webhook's. */
import type { ListenHttp } from "../core/runtime.ts";

export const listenHttp: ListenHttp = async ({ hostname, port }, handle) => {
  const server = Bun.serve({ hostname, port, fetch: (req, srv) => handle(req, { remoteAddress: srv.requestIP(req)?.address ?? "" }) });
  return { port: server.port!, close: () => server.stop(true) };
};
