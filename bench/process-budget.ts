/**
 * Scenario: process budgets of the `clawgate` bin, which `npm start` runs:
 * runtime-bun/bin/clawgate, which execs this checkout compiled for this
 * machine (dist/host/clawgate, runtime-bun/build.ts --host; compiled when
 * stale). Beside it, the same CLI as split JavaScript (runtime-bun/bundle.ts,
 * bundled here into a temp dir so the figures match the code) and the
 * TypeScript entry (`bun runtime-bun/bin/clawgate.ts`):
 * - cold start: spawn -> first `GET /health` 200 (polled every millisecond),
 *   with the state dir from an earlier run (a restart) and with an empty one
 *   (first run: config, identity and database are created);
 * - idle RSS: VmRSS from /proc/<pid>/status IDLE_MS after that first 200,
 *   nothing connected, each run starting with the executable dropped from
 *   the page cache (lib/memory.ts says why). The JavaScript forms run a
 *   private copy of Bun: pages this bench process has mapped could not be
 *   dropped.
 * Side by side in the same interleaved runs: a bare Bun.serve process
 * (lib/floor-server.ts, run by Bun as a script) as the floor. Medians; every
 * run is printed. Budgets: cold start < 150 ms, the bin's cold start <= 3x
 * the floor's (issue 12), idle RSS < 40 MB.
 */
import { chmodSync, copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";
import { bundleCli } from "../runtime-bun/bundle.ts";
import { BENCH_TOKEN, BIN, BIN_EXECUTABLE, CLI, tempStateEnv } from "./lib/gateway-process.ts";
import { median, report, table } from "./lib/report.ts";
import { freePort, probeStart } from "./lib/start-probe.ts";

const START_RUNS = 11;
const FIRST_RUNS = 5;
const RSS_RUNS = 5;
const IDLE_MS = 1000;
const FLOOR = `${import.meta.dir}/lib/floor-server.ts`;

/** One start of `argv`; with `measureRss`, its VmRSS IDLE_MS after the first /health 200. */
async function startAndMeasure(argv: string[], env: Record<string, string>, port: number, measureRss: boolean): Promise<{ startMs: number; rss: number }> {
  const executable = argv[0] === BIN ? BIN_EXECUTABLE : argv[0];
  const run = await probeStart(argv, env, port, measureRss ? { idleMs: IDLE_MS, executable } : {});
  return { startMs: run.startMs, rss: run.mem?.rss ?? NaN };
}

const kept = tempStateEnv();
const bundle = await bundleCli(mkdtempSync(join(kept.dir, "bundle-")));
const bun = join(kept.dir, "bun");
copyFileSync(process.execPath, bun);
chmodSync(bun, 0o755);
const forms = {
  bin: (port: number) => [BIN, "gateway", "run", "--port", String(port), "--token", BENCH_TOKEN],
  bundle: (port: number) => [bun, bundle, "gateway", "run", "--port", String(port), "--token", BENCH_TOKEN],
  entry: (port: number) => [bun, CLI, "gateway", "run", "--port", String(port), "--token", BENCH_TOKEN],
};
const FORMS = ["bin", "bundle", "entry"] as const;
const runs = { bin: { start: [] as number[], rss: [] as number[] }, bundle: { start: [] as number[], rss: [] as number[] }, entry: { start: [] as number[], rss: [] as number[] } };
const first: number[] = [];
const floor = { start: [] as number[], rss: [] as number[] };
const floorEnv = (port: number) => ({ ...kept.env, BENCH_PORT: String(port) });
try {
  // The state the restart runs reuse; this start also brings the bin's binary up to date.
  let port = freePort();
  await startAndMeasure(forms.bin(port), kept.env, port, false);
  for (let i = 0; i < START_RUNS; i++) {
    for (const form of FORMS) {
      port = freePort();
      runs[form].start.push((await startAndMeasure(forms[form](port), kept.env, port, false)).startMs);
    }
    port = freePort();
    floor.start.push((await startAndMeasure([bun, FLOOR], floorEnv(port), port, false)).startMs);
    if (i < FIRST_RUNS) {
      // Same HOME, empty state dir: config, identity and database are created.
      const fresh = mkdtempSync(join(kept.dir, "first-"));
      port = freePort();
      first.push((await startAndMeasure(forms.bin(port), { ...kept.env, OPENCLAW_STATE_DIR: join(fresh, ".openclaw") }, port, false)).startMs);
    }
  }
  for (let i = 0; i < RSS_RUNS; i++) {
    for (const form of FORMS) {
      port = freePort();
      runs[form].rss.push((await startAndMeasure(forms[form](port), kept.env, port, true)).rss);
    }
    port = freePort();
    floor.rss.push((await startAndMeasure([bun, FLOOR], floorEnv(port), port, true)).rss);
  }
} finally {
  rmSync(kept.dir, { recursive: true, force: true });
}

const fmt = (xs: number[]) => xs.map((x) => x.toFixed(0)).join(" ");
const mb = (xs: number[]) => xs.map((x) => x.toFixed(1)).join(" ");
console.log(table(["process", "median start -> /health 200", "runs (ms)", "median idle RSS", "runs (MB)"], [
  ["clawgate bin / npm start (compiled), existing state", `${median(runs.bin.start).toFixed(1)} ms`, fmt(runs.bin.start), `${median(runs.bin.rss).toFixed(1)} MB`, mb(runs.bin.rss)],
  ["clawgate bin, empty state dir", `${median(first).toFixed(1)} ms`, fmt(first), "", ""],
  ["split JS bundle, existing state", `${median(runs.bundle.start).toFixed(1)} ms`, fmt(runs.bundle.start), `${median(runs.bundle.rss).toFixed(1)} MB`, mb(runs.bundle.rss)],
  ["TypeScript entry, existing state", `${median(runs.entry.start).toFixed(1)} ms`, fmt(runs.entry.start), `${median(runs.entry.rss).toFixed(1)} MB`, mb(runs.entry.rss)],
  ["bare Bun.serve (floor)", `${median(floor.start).toFixed(1)} ms`, fmt(floor.start), `${median(floor.rss).toFixed(1)} MB`, mb(floor.rss)],
]));
report({
  scenario: `process budgets (clawgate bin and npm start: runtime-bun/bin/clawgate gateway run, the compiled dist/host/clawgate; medians of ${START_RUNS} starts, ${RSS_RUNS} RSS readings)`,
  metrics: [
    { name: "bin cold start -> /health 200", value: median(runs.bin.start), unit: "ms", budget: { op: "<", limit: 150 }, note: "clawgate gateway run, existing state dir" },
    { name: "bin cold start / bare Bun.serve", value: median(runs.bin.start) / median(floor.start), unit: "x", budget: { op: "<=", limit: 3 }, note: `floor ${median(floor.start).toFixed(1)} ms, same run` },
    { name: "bin idle RSS", value: median(runs.bin.rss), unit: "MB", budget: { op: "<=", limit: 40 }, note: `${IDLE_MS} ms after the first /health 200` },
    { name: "bin idle RSS / bare Bun.serve", value: median(runs.bin.rss) / median(floor.rss), unit: "x", note: `floor ${median(floor.rss).toFixed(1)} MB` },
    { name: "bin cold start, first run", value: median(first), unit: "ms", note: "empty state dir" },
    { name: "split JS bundle cold start / bare Bun.serve", value: median(runs.bundle.start) / median(floor.start), unit: "x", note: `bundle ${median(runs.bundle.start).toFixed(1)} ms` },
    { name: "split JS bundle idle RSS", value: median(runs.bundle.rss), unit: "MB", note: `${IDLE_MS} ms after the first /health 200` },
    { name: "cold start, TypeScript entry / split JS bundle", value: median(runs.entry.start) / median(runs.bundle.start), unit: "x", note: `entry ${median(runs.entry.start).toFixed(1)} ms` },
    { name: "idle RSS, TypeScript entry", value: median(runs.entry.rss), unit: "MB", note: "bun runtime-bun/bin/clawgate.ts" },
  ],
});
