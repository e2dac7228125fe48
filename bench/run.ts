/**
 * `npm run bench`: runs every scenario (each `bench/*.ts` but this one), each
 * in its own process, one after another (the machine is small and shared;
 * nothing runs in parallel), then prints the budgets with PASS/MISS and the
 * side-by-side ratios.
 * `npm run bench -- <word>...` runs only scenarios whose file name contains
 * one of the words. Exits 1 when a budget is missed or a scenario fails.
 * A scenario still running after SCENARIO_LIMIT_MS is killed and counted failed.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { formatBudget, formatValue, table, verdict, type ScenarioResult } from "./lib/report.ts";

/** These first, in this order; any other scenario file after them, by name. */
const ORDER = ["process-budget.ts", "codec.bench.ts", "device-verify.bench.ts", "handshake.bench.ts", "health-rtt.bench.ts", "fanout.bench.ts"];
const rank = (f: string) => (ORDER.includes(f) ? ORDER.indexOf(f) : ORDER.length);
const SCENARIOS = readdirSync(import.meta.dir)
  .filter((f) => f.endsWith(".ts") && f !== "run.ts")
  .sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));

const SCENARIO_LIMIT_MS = 180_000;

const filters = process.argv.slice(2);
const selected = SCENARIOS.filter((f) => filters.length === 0 || filters.some((w) => f.includes(w)));
if (selected.length === 0) {
  console.error(`no scenario matches ${filters.join(" ")}; scenarios: ${SCENARIOS.join(", ")}`);
  process.exit(2);
}

/** Pids whose parent is `pid` (Linux /proc). */
function childrenOf(pid: number): number[] {
  const out: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // Field 4 of /proc/<pid>/stat is the parent pid; the command name (field 2) may contain spaces.
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      if (Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]) === pid) out.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return out;
}

const dir = mkdtempSync(join(tmpdir(), "clawgate-bench-results-"));
const resultsFile = join(dir, "results.jsonl");
const failures: string[] = [];
const durations: string[][] = [];
const started = performance.now();
try {
  for (const file of selected) {
    console.log(`\n===== ${file} =====`);
    const t0 = performance.now();
    const proc = Bun.spawn([process.execPath, join(import.meta.dir, file)], {
      env: { ...process.env, BENCH_RESULTS: resultsFile },
      stdin: "ignore",
      stdout: "inherit",
      stderr: "inherit",
    });
    let timedOut = false;
    const limit = setTimeout(() => {
      timedOut = true;
      // The scenario's own cleanup will not run: stop the servers it started first.
      for (const pid of childrenOf(proc.pid)) process.kill(pid, "SIGTERM");
      proc.kill("SIGKILL");
    }, SCENARIO_LIMIT_MS);
    const code = await proc.exited;
    clearTimeout(limit);
    const status = timedOut ? `FAILED (killed after ${SCENARIO_LIMIT_MS / 1000} s)` : code === 0 ? "ok" : `FAILED (exit ${code})`;
    durations.push([file, `${((performance.now() - t0) / 1000).toFixed(1)} s`, status]);
    if (code !== 0) failures.push(file);
  }
  const results: ScenarioResult[] = (() => {
    try {
      return readFileSync(resultsFile, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l));
    } catch {
      return [];
    }
  })();

  const budgetRows: string[][] = [];
  const ratioRows: string[][] = [];
  let missed = 0;
  for (const r of results) {
    for (const m of r.metrics) {
      if (m.budget) {
        const v = verdict(m);
        if (v === "MISS") missed++;
        budgetRows.push([m.name, formatValue(m.value, m.unit), formatBudget(m.budget, m.unit), v, m.note ?? ""]);
      } else if (m.unit === "x") {
        ratioRows.push([m.name, formatValue(m.value, m.unit), m.note ?? ""]);
      }
    }
  }
  console.log("\n===== summary =====");
  console.log(table(["scenario", "time", "status"], durations));
  if (budgetRows.length) console.log("\n" + table(["budget", "measured", "target", "", "note"], budgetRows));
  if (ratioRows.length) {
    console.log("\nside by side, same run:");
    console.log(table(["ratio", "value", "note"], ratioRows));
  }
  console.log(`\ntotal ${((performance.now() - started) / 1000).toFixed(0)} s on ${navigator.hardwareConcurrency} cores, bun ${Bun.version}; ${missed} budget(s) missed, ${failures.length} scenario(s) failed`);
  process.exitCode = missed > 0 || failures.length > 0 ? 1 : 0;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
