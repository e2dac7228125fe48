/**
 * Scenario: process budgets of `bun runtime-bun/bin/clawgate.ts gateway run`.
 * - cold start: spawn -> first `GET /health` 200 (polled every millisecond),
 *   with the state dir from an earlier run (a restart) and with an empty one
 *   (first run: config, identity and database are created);
 * - idle RSS: VmRSS from /proc/<pid>/status after IDLE_MS with nothing connected.
 * Side by side in the same interleaved runs: a bare Bun.serve process
 * (lib/floor-server.ts) as the floor. Medians over RUNS.
 * Budgets: cold start < 150 ms, idle RSS < 40 MB.
 */
import { readFileSync, rmSync } from "node:fs";
import { CLI, BENCH_TOKEN, drainTail, tempStateEnv } from "./lib/gateway-process.ts";
import { median, report, table } from "./lib/report.ts";

const RUNS = 7;
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

const restart = { start: [] as number[], rss: [] as number[] };
const first: number[] = [];
const floor = { start: [] as number[], rss: [] as number[] };
const kept = tempStateEnv();
try {
  // The state the restart runs reuse.
  let port = freePort();
  await startAndMeasure([process.execPath, CLI, "gateway", "run", "--port", String(port), "--token", BENCH_TOKEN], kept.env, port, false);
  for (let i = 0; i < RUNS; i++) {
    port = freePort();
    const r = await startAndMeasure([process.execPath, CLI, "gateway", "run", "--port", String(port), "--token", BENCH_TOKEN], kept.env, port, true);
    restart.start.push(r.startMs);
    restart.rss.push(r.rss);

    port = freePort();
    const f = await startAndMeasure([process.execPath, FLOOR], { ...(process.env as Record<string, string>), BENCH_PORT: String(port) }, port, true);
    floor.start.push(f.startMs);
    floor.rss.push(f.rss);

    const fresh = tempStateEnv();
    try {
      port = freePort();
      first.push((await startAndMeasure([process.execPath, CLI, "gateway", "run", "--port", String(port), "--token", BENCH_TOKEN], fresh.env, port, false)).startMs);
    } finally {
      rmSync(fresh.dir, { recursive: true, force: true });
    }
  }
} finally {
  rmSync(kept.dir, { recursive: true, force: true });
}

const fmt = (xs: number[]) => xs.map((x) => x.toFixed(0)).join(" ");
console.log(table(["process", "median start -> /health 200", "runs (ms)", "median idle RSS"], [
  ["clawgate, existing state", `${median(restart.start).toFixed(1)} ms`, fmt(restart.start), `${median(restart.rss).toFixed(1)} MB`],
  ["clawgate, empty state dir", `${median(first).toFixed(1)} ms`, fmt(first), ""],
  ["bare Bun.serve (floor)", `${median(floor.start).toFixed(1)} ms`, fmt(floor.start), `${median(floor.rss).toFixed(1)} MB`],
]));
report({
  scenario: `process budgets (bun runtime-bun/bin/clawgate.ts gateway run, median of ${RUNS})`,
  metrics: [
    { name: "cold start -> /health 200", value: median(restart.start), unit: "ms", budget: { op: "<", limit: 150 }, note: "existing state dir" },
    { name: "cold start, first run", value: median(first), unit: "ms", note: "empty state dir" },
    { name: "cold start / bare Bun.serve", value: median(restart.start) / median(floor.start), unit: "x", note: `floor ${median(floor.start).toFixed(1)} ms` },
    { name: "idle RSS after start", value: median(restart.rss), unit: "MB", budget: { op: "<", limit: 40 }, note: `after ${IDLE_MS} ms idle` },
    { name: "idle RSS / bare Bun.serve", value: median(restart.rss) / median(floor.rss), unit: "x", note: `floor ${median(floor.rss).toFixed(1)} MB` },
  ],
});
