/**
 * Runs the mitata benches declared so far and returns their stats by name
 * (times in nanoseconds), failing loudly when one of them threw.
 */
import { run } from "mitata";

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
