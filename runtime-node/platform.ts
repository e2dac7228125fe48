/**
 * The Node runtime for the shared CLI (runtime-bun/host/cli). Each part is
 * imported when first used, so CLI verbs that never listen load neither
 * `ws` nor a SQLite binding.
 */
import { pathToFileURL } from "node:url";
import type { Platform } from "../runtime-bun/host/platform.ts";

export const nodePlatform: Platform = {
  runtime: `node ${process.versions.node}`,
  serve: async (options) => (await import("./server.ts")).serveGateway(options),
  openStore: async (path) => (await import("./sqlite-store.ts")).openStore(path),
  serveBridge: async (running) => (await import("./bridge.ts")).serveBridge(running),
  openSqlite: async (path) => (await import("./sqlite-store.ts")).openSqlite(path),
  processHost: async () => (await import("./process-host.ts")).nodeProcessHost,
  pinnedFetch: async (url, addresses, init) => (await import("./pinned-fetch.ts")).nodePinnedFetch(url, addresses, init),
  listenHttp: async (hostname, port, handle) => (await import("./http-listener.ts")).listenHttp(hostname, port, handle),
  // A file: URL, so any character of the path survives; its query makes a new module.
  importModule: (path, version) => import(`${pathToFileURL(path).href}?v=${version}`),
};
