/** `ListenHttp` on `node:http` with @hono/node-server's Request bridge: a side listener such as the Telegram webhook's. */
import { getRequestListener } from "@hono/node-server";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { ListenHttp } from "../core/runtime.ts";

export const listenHttp: ListenHttp = ({ hostname, port }, handle) => new Promise((resolve, reject) => {
  const server = createServer(getRequestListener((req, env) => handle(req, { remoteAddress: env.incoming.socket.remoteAddress ?? "" }), { overrideGlobalObjects: false }));
  server.once("error", reject);
  server.listen(port, hostname, () => {
    server.off("error", reject);
    resolve({
      port: (server.address() as AddressInfo).port,
      close: () => new Promise<void>((done) => {
        server.close(() => done());
        server.closeAllConnections();
      }),
    });
  });
});
