/**
 * Scenario: budgets of the compiled binary as `npm run build` makes it
 * (clawgate-linux-x64: a recorded start-up, then the build laid out by it;
 * rebuilt here into a temp dir so the figures match the code), issue 4:
 * - cold start: spawn `gateway run` -> first `GET /health` 200, polled every
 *   millisecond, with the state dir of an earlier run (a restart);
 * - idle RSS: VmRSS (and its anonymous / file-backed split) IDLE_MS after
 *   that first 200, in separate runs that each start with the binary dropped
 *   from the page cache (lib/memory.ts says why).
 * - RSS with CLIENTS reference clients (`@openclaw/gateway-client`, token
 *   auth) connected for IDLE_MS, the footprint of a gateway in use (issue 12).
 * Side by side in the same interleaved runs: lib/floor-server.ts compiled the
 * same way (a bare Bun.serve binary), the floor. Medians over RUNS.
 * Budgets: cold start < 80 ms, idle RSS < 35 MB, RSS with 10 clients <= 35 MB.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GatewayClient } from "@openclaw/gateway-client";
import { buildRelease } from "../runtime-bun/build.ts";
import { BENCH_TOKEN, tempStateEnv } from "./lib/gateway-process.ts";
import { median, report, table } from "./lib/report.ts";
import { freePort, probeStart } from "./lib/start-probe.ts";

const RUNS = 9;
const IDLE_MS = 2000;
const CLIENTS = 10;

/** Connects CLIENTS reference clients with the bench token; resolves once all have hello-ok. */
async function connectClients(port: number): Promise<() => void> {
  const clients = await Promise.all(Array.from({ length: CLIENTS }, () => new Promise<GatewayClient>((resolve, reject) => {
    const client: GatewayClient = new GatewayClient({
      url: `ws://127.0.0.1:${port}`,
      token: BENCH_TOKEN,
      onHelloOk: () => resolve(client),
      onConnectError: (error) => reject(error),
    });
    client.start();
  })));
  return () => {
    for (const c of clients) c.stop();
  };
}

/** Compiles lib/floor-server.ts with the same flags as the gateway binary. */
async function buildFloor(outdir: string): Promise<string> {
  const outfile = join(outdir, "floor-server");
  const proc = Bun.spawn([process.execPath, "build", join(import.meta.dir, "lib", "floor-server.ts"), "--compile", "--outfile", outfile, "--splitting", "--minify", "--bytecode", "--format=esm", "--no-compile-autoload-dotenv", "--no-compile-autoload-bunfig"], { stdout: "ignore", stderr: "pipe" });
  if ((await proc.exited) !== 0) throw new Error(`floor build failed: ${await new Response(proc.stderr).text()}`);
  return outfile;
}

const out = mkdtempSync(join(tmpdir(), "clawgate-binary-bench-"));
const state = tempStateEnv();
// mDNS stays off: this host is a container-like VM and the budget is the gateway's own.
const env = { ...state.env, OPENCLAW_DISABLE_BONJOUR: "1" };
const gw = { start: [] as number[], rss: [] as number[], anon: [] as number[], file: [] as number[], clients: [] as number[] };
const floor = { start: [] as number[], rss: [] as number[] };
try {
  const [bin] = await buildRelease(["x64"], out);
  const floorBin = await buildFloor(out);
  const gateway = (port: number) => [bin!, "gateway", "run", "--port", String(port), "--token", BENCH_TOKEN];
  const floorEnv = (port: number) => ({ ...(process.env as Record<string, string>), BENCH_PORT: String(port) });
  let port = freePort();
  // First run creates config, identity and database; the measured runs are restarts.
  await probeStart(gateway(port), env, port);
  for (const measureRss of [false, true]) {
    for (let i = 0; i < RUNS; i++) {
      port = freePort();
      const g = await probeStart(gateway(port), env, port, measureRss ? { idleMs: IDLE_MS } : {});
      port = freePort();
      const f = await probeStart([floorBin], floorEnv(port), port, measureRss ? { idleMs: IDLE_MS } : {});
      if (!g.mem || !f.mem) {
        gw.start.push(g.startMs);
        floor.start.push(f.startMs);
        continue;
      }
      gw.rss.push(g.mem.rss);
      gw.anon.push(g.mem.anon);
      gw.file.push(g.mem.file);
      floor.rss.push(f.mem.rss);
      port = freePort();
      const c = await probeStart(gateway(port), env, port, { idleMs: IDLE_MS, connect: connectClients });
      gw.clients.push(c.mem!.rss);
    }
  }
} finally {
  rmSync(out, { recursive: true, force: true });
  rmSync(state.dir, { recursive: true, force: true });
}

const fmt = (xs: number[]) => xs.map((x) => x.toFixed(0)).join(" ");
const mb = (xs: number[]) => xs.map((x) => x.toFixed(1)).join(" ");
console.log(table(["binary", "median start -> /health 200", "runs (ms)", "median idle RSS", "runs (MB)", "anon / file-backed"], [
  ["clawgate-linux-x64 gateway run", `${median(gw.start).toFixed(1)} ms`, fmt(gw.start), `${median(gw.rss).toFixed(1)} MB`, mb(gw.rss), `${median(gw.anon).toFixed(1)} / ${median(gw.file).toFixed(1)} MB`],
  [`clawgate-linux-x64, ${CLIENTS} reference clients`, "", "", `${median(gw.clients).toFixed(1)} MB`, mb(gw.clients), ""],
  ["bare Bun.serve binary (floor)", `${median(floor.start).toFixed(1)} ms`, fmt(floor.start), `${median(floor.rss).toFixed(1)} MB`, mb(floor.rss), ""],
]));
report({
  scenario: `compiled binary budgets (clawgate-linux-x64 gateway run, median of ${RUNS})`,
  metrics: [
    { name: "binary cold start -> /health 200", value: median(gw.start), unit: "ms", budget: { op: "<", limit: 80 }, note: "existing state dir" },
    { name: "binary cold start / floor binary", value: median(gw.start) / median(floor.start), unit: "x", note: `floor ${median(floor.start).toFixed(1)} ms` },
    { name: "binary idle RSS", value: median(gw.rss), unit: "MB", budget: { op: "<", limit: 35 }, note: `${IDLE_MS} ms after the first /health 200; anon ${median(gw.anon).toFixed(1)} MB, file-backed ${median(gw.file).toFixed(1)} MB` },
    { name: `binary RSS, ${CLIENTS} reference clients`, value: median(gw.clients), unit: "MB", budget: { op: "<=", limit: 35 }, note: `${CLIENTS} GatewayClients (token) connected ${IDLE_MS} ms` },
    { name: "binary idle RSS / floor binary", value: median(gw.rss) / median(floor.rss), unit: "x", note: `floor ${median(floor.rss).toFixed(1)} MB` },
  ],
});
