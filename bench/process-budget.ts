/**
 * Scenario: process budgets of `bun runtime-bun/bin/clawgate.ts gateway run`.
 * - cold start: spawn -> first `GET /health` 200 (polled every millisecond),
 *   with the state dir from an earlier run (a restart) and with an empty one
 *   (first run: config, identity and database are created); HOME (and with
 *   it Bun's transpiler cache) stays the same, as on a real machine;
 * - idle RSS: VmRSS from /proc/<pid>/status after IDLE_MS with nothing connected.
 * Side by side in the same interleaved runs: a bare Bun.serve process
 * (lib/floor-server.ts) as the floor. Medians; every run is printed.
 * Budgets: cold start < 150 ms, idle RSS < 40 MB.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { CLI, BENCH_TOKEN, drainTail, tempStateEnv } from "./lib/gateway-process.ts";
import { median, report, table } from "./lib/report.ts";

const START_RUNS = 11;
const FIRST_RUNS = 5;
const RSS_RUNS = 3;
const IDLE_MS = 1000;
const START_TIMEOUT_MS = 10_000;
const FLOOR = `${import.meta.dir}/lib/floor-server.ts`;

/** A port nothing listens on right now. */
function freePort(): number {
  const probe = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const port = probe.port;
  probe.stop(true);
  return port;
}

/** Resident set size of a live process, in MB. */
function rssMb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, "utf8").split("\n").find((l) => l.startsWith("VmRSS:"));
  if (!line) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(line.replace(/\D+/g, "")) / 1024;
}

/** Spawns `argv`, polls /health until 200; returns the time taken and, after IDLE_MS, the RSS. */
async function startAndMeasure(argv: string[], env: Record<string, string>, port: number, measureRss: boolean): Promise<{ startMs: number; rss: number }> {
  const t0 = performance.now();
  const proc = Bun.spawn(argv, { env, stdin: "ignore", stdout: "ignore", stderr: "pipe" });
  const stderr = drainTail(proc.stderr);
  try {
    let startMs = NaN;
    while (performance.now() - t0 < START_TIMEOUT_MS) {
      if (proc.exitCode !== null) throw new Error(`${argv.join(" ")} exited with ${proc.exitCode}:\n${stderr()}`);
      const ok = await fetch(`http://127.0.0.1:${port}/health`).then((r) => r.status === 200, () => false);
      if (ok) {
        startMs = performance.now() - t0;
        break;
      }
      await Bun.sleep(1);
    }
    if (Number.isNaN(startMs)) throw new Error(`no /health 200 within ${START_TIMEOUT_MS} ms:\n${stderr()}`);
    let rss = NaN;
    if (measureRss) {
      await Bun.sleep(IDLE_MS);
      rss = rssMb(proc.pid);
    }
    return { startMs, rss };
  } finally {
    proc.kill("SIGTERM");
    await proc.exited;
  }
}

const gateway = (port: number) => [process.execPath, CLI, "gateway", "run", "--port", String(port), "--token", BENCH_TOKEN];
const restart = { start: [] as number[], rss: [] as number[] };
const first: number[] = [];
const floor = { start: [] as number[], rss: [] as number[] };
const kept = tempStateEnv();
const floorEnv = (port: number) => ({ ...kept.env, BENCH_PORT: String(port) });
try {
  // The state the restart runs reuse (and Bun's transpiler cache under this HOME).
  let port = freePort();
  await startAndMeasure(gateway(port), kept.env, port, false);
  for (let i = 0; i < START_RUNS; i++) {
    port = freePort();
    restart.start.push((await startAndMeasure(gateway(port), kept.env, port, false)).startMs);
    port = freePort();
    floor.start.push((await startAndMeasure([process.execPath, FLOOR], floorEnv(port), port, false)).startMs);
    if (i < FIRST_RUNS) {
      // Same HOME, empty state dir: config, identity and database are created.
      const fresh = mkdtempSync(join(kept.dir, "first-"));
      port = freePort();
      first.push((await startAndMeasure(gateway(port), { ...kept.env, OPENCLAW_STATE_DIR: join(fresh, ".openclaw") }, port, false)).startMs);
    }
  }
  for (let i = 0; i < RSS_RUNS; i++) {
    port = freePort();
    restart.rss.push((await startAndMeasure(gateway(port), kept.env, port, true)).rss);
    port = freePort();
    floor.rss.push((await startAndMeasure([process.execPath, FLOOR], floorEnv(port), port, true)).rss);
  }
} finally {
  rmSync(kept.dir, { recursive: true, force: true });
}

const fmt = (xs: number[]) => xs.map((x) => x.toFixed(0)).join(" ");
const mb = (xs: number[]) => xs.map((x) => x.toFixed(1)).join(" ");
console.log(table(["process", "median start -> /health 200", "runs (ms)", "median idle RSS", "runs (MB)"], [
  ["clawgate, existing state", `${median(restart.start).toFixed(1)} ms`, fmt(restart.start), `${median(restart.rss).toFixed(1)} MB`, mb(restart.rss)],
  ["clawgate, empty state dir", `${median(first).toFixed(1)} ms`, fmt(first), "", ""],
  ["bare Bun.serve (floor)", `${median(floor.start).toFixed(1)} ms`, fmt(floor.start), `${median(floor.rss).toFixed(1)} MB`, mb(floor.rss)],
]));
report({
  scenario: `process budgets (bun runtime-bun/bin/clawgate.ts gateway run; medians of ${START_RUNS} starts, ${RSS_RUNS} RSS readings)`,
  metrics: [
    { name: "cold start -> /health 200", value: median(restart.start), unit: "ms", budget: { op: "<", limit: 150 }, note: "existing state dir" },
    { name: "cold start, first run", value: median(first), unit: "ms", note: "empty state dir" },
    { name: "cold start / bare Bun.serve", value: median(restart.start) / median(floor.start), unit: "x", note: `floor ${median(floor.start).toFixed(1)} ms` },
    { name: "idle RSS after start", value: median(restart.rss), unit: "MB", budget: { op: "<", limit: 40 }, note: `after ${IDLE_MS} ms idle` },
    { name: "idle RSS / bare Bun.serve", value: median(restart.rss) / median(floor.rss), unit: "x", note: `floor ${median(floor.rss).toFixed(1)} MB` },
  ],
});
