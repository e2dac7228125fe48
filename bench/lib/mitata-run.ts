/**
 * Two ways of running mitata here. In-process micro benches use `bench()` +
 * `runBenches()` (mitata's own batching and report). Socket latencies use
 * `compareLatency()`: mitata's `measure()` with batching off, so every sample
 * is one round trip, run in interleaved rounds so that benches compared with
 * each other saw the same machine noise.
 */
import { measure, run } from "mitata";
import { quantile, table } from "./report.ts";

export type Stats = { p50: number; p75: number; p99: number; avg: number; min: number; max: number; samples: number[] };

export async function runBenches(): Promise<Map<string, Stats>> {
  const { benchmarks } = await run({ throw: true, colors: Boolean(process.stdout.isTTY) });
  const out = new Map<string, Stats>();
  for (const trial of benchmarks) {
    for (const r of trial.runs) {
      if (!r.stats) throw r.error instanceof Error ? r.error : new Error(`bench ${r.name} failed: ${String(r.error)}`);
      out.set(r.name, r.stats as Stats);
    }
  }
  return out;
}

/** Stats of one bench by name; throws when it did not run. */
export function statsOf(all: Map<string, Stats>, name: string): Stats {
  const s = all.get(name);
  if (!s) throw new Error(`no stats for bench "${name}"`);
  return s;
}

/** Nanoseconds to the named unit. */
export const ns = {
  toMs: (v: number) => v / 1e6,
  toUs: (v: number) => v / 1e3,
};

export interface LatencyBench {
  name: string;
  fn: () => Promise<unknown>;
}

function statsFrom(samples: number[]): Stats {
  const s = samples.sort((a, b) => a - b);
  return { p50: quantile(s, 0.5), p75: quantile(s, 0.75), p99: quantile(s, 0.99), avg: s.reduce((a, v) => a + v, 0) / s.length, min: s[0]!, max: s[s.length - 1]!, samples: s };
}

function fmtNs(v: number): string {
  return v >= 1e6 ? `${(v / 1e6).toFixed(2)} ms` : `${(v / 1e3).toFixed(1)} µs`;
}

/**
 * Measures each bench in `rounds` interleaved rounds of `cpuMsPerRound`
 * (one sample = one call), prints a table with the ratio to the first bench
 * and returns stats by name (nanoseconds).
 */
export async function compareLatency(benches: LatencyBench[], opts: { rounds?: number; cpuMsPerRound?: number } = {}): Promise<Map<string, Stats>> {
  const rounds = opts.rounds ?? 4;
  const samples = new Map<string, number[]>(benches.map((b) => [b.name, []]));
  for (let r = 0; r < rounds; r++) {
    for (const b of benches) {
      const s = await measure(b.fn, { batch_threshold: 0, min_samples: 8, min_cpu_time: (opts.cpuMsPerRound ?? 200) * 1e6 });
      samples.get(b.name)!.push(...s.samples);
    }
  }
  const out = new Map<string, Stats>();
  for (const [name, s] of samples) out.set(name, statsFrom(s));
  const base = out.get(benches[0]!.name)!.p50;
  console.log(table(
    ["bench", "samples", "p50", "p75", "p99", "max", "p50 vs first"],
    benches.map((b) => {
      const s = out.get(b.name)!;
      return [b.name, String(s.samples.length), fmtNs(s.p50), fmtNs(s.p75), fmtNs(s.p99), fmtNs(s.max), `${(s.p50 / base).toFixed(2)}x`];
    }),
  ));
  return out;
}
