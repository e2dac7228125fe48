/**
 * The Bun runtime for the CLI. Each part is imported when first used, so CLI
 * verbs that never listen do not load the transports or bun:sqlite.
 */
import { runningJitPolicy } from "./jit-policy.ts";
import { bunPinnedFetch } from "./pinned-fetch.ts";
import type { Platform } from "./host/platform.ts";

export const bunPlatform: Platform = {
  runtime: `bun ${Bun.version}`,
  serve: async (options) => (await import("./server.ts")).serveGateway(options),
  openStore: async (path) => new (await import("./sqlite-store.ts")).SqliteStore(path),
  serveBridge: async (running) => (await import("./bridge.ts")).serveBridge(running),
  openSqlite: async (path) => (await import("./sqlite-store.ts")).openSqlite(path),
  processHost: async () => (await import("./process-host.ts")).bunProcessHost,
  pinnedFetch: bunPinnedFetch,
  listenHttp: async (hostname, port, handle) => (await import("./http-listener.ts")).listenHttp(hostname, port, handle),
  // Bun keys a file: URL's module without its query; on a plain path the query makes a new module.
  importModule: (path, version) => import(`${path}?v=${version}`),
  startupDone: runningJitPolicy,
};
