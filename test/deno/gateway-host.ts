/**
 * What the Deno suite's gateways and channel adapters run on: a host
 * description, a silent logger, and Deno.serve as core's HttpListen and as
 * the local fakes' server (127.0.0.1, port 0; the suite's only permission).
 */
import type { HostInfo, HttpListen, Logger } from "../../core/runtime.ts";

export function denoHost(): HostInfo {
  return { hostname: "deno-host", platform: "deno", deviceFamily: "Linux", runtime: `deno ${Deno.version.deno}`, pid: 1, memory: () => ({ rss: 0, heapUsed: 0, heapTotal: 0, external: 0, arrayBuffers: 0 }), cpuMicros: () => 0, machine: () => ({ release: "0", arch: "x64", cpuCount: 1, loadAverage: [0, 0, 0], memoryTotalBytes: 1, memoryFreeBytes: 1 }), configPath: "/nonexistent/openclaw.json", stateDir: "/nonexistent", databasePath: "/nonexistent/state.db" };
}

export const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {} };

/** Deno.serve as core's HttpListen (a channel's own webhook port); `close` waits until the server is done. */
export const denoListen: HttpListen = async (hostname, port, handle) => {
  const server = Deno.serve({ hostname, port, onListen() {} }, (req, info) => handle(req, info.remoteAddr.hostname));
  return { port: server.addr.port, close: () => server.shutdown() };
};

/** Serves `fetch` on 127.0.0.1, port 0; `closed` settles once the server has stopped (for Deno's leak checks). */
export function serveLocal(fetch: (req: Request) => Promise<Response>): { url: string; stop(): void; closed: Promise<void> } {
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, fetch);
  return { url: `http://127.0.0.1:${server.addr.port}`, stop: () => void server.shutdown(), closed: server.finished };
}
