/** `server.listen` as a promise that rejects with the listen error (EADDRINUSE, EADDRNOTAVAIL). */
import type { Server } from "node:net";

export function listen(server: Server, hostname: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, hostname, () => {
      server.off("error", reject);
      resolve();
    });
  });
}

/** The port a listening server got. */
export function boundPort(server: Server): number {
  const address = server.address();
  return typeof address === "object" && address ? address.port : 0;
}
