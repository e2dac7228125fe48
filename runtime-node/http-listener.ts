/**
 * A channel's own HTTP listener on Node (core/runtime.ts HttpListen): a
 * `node:http` server speaking Request/Response through @hono/node-server.
 */
import { getRequestListener } from "@hono/node-server";
import { createServer } from "node:http";
import type { HttpListen } from "../core/runtime.ts";
import { boundPort, listen } from "./listen.ts";

export const listenHttp: HttpListen = async (hostname, port, handle) => {
  const server = createServer(getRequestListener((req, env) => handle(req, env.incoming.socket.remoteAddress ?? ""), { overrideGlobalObjects: false }));
  await listen(server, hostname, port);
  return {
    port: boundPort(server),
    close: () => new Promise<void>((done) => {
      server.close(() => done());
      server.closeAllConnections();
    }),
  };
};
