#!/usr/bin/env bun
/**
 * The `clawgate` bin and `npm start`: runs the lean bundle (dist/bun/clawgate.js,
 * runtime-bun/bundle.ts) rather than the TypeScript entry, which loads some 230
 * modules one by one (a third slower to start, 7 MB heavier idle; bench
 * process-budget). The bundle is built on first use (a fresh clone after
 * `npm ci`) and rebuilt when a source file is newer than it, so an edit never
 * runs stale code. Checking costs one stat per source file (about 1.5 ms).
 */
import { existsSync, readdirSync, renameSync, rmSync, statSync } from "node:fs";
import { join, resolve } from "node:path";

const ROOT = resolve(import.meta.dir, "../..");
const OUT = join(ROOT, "dist", "bun");
const ENTRY = join(OUT, "clawgate.js");

/** Newest modification time among what the bundle is built from. */
function newestSource(): number {
  let newest = statSync(join(ROOT, "package-lock.json"), { throwIfNoEntry: false })?.mtimeMs ?? 0;
  for (const dir of ["core", "runtime-bun"]) {
    for (const f of readdirSync(join(ROOT, dir), { recursive: true }) as string[]) {
      // The Control UI (core/ui) is bundled in too: its .tsx, .css and .html count.
      if (!/\.(ts|tsx|css|html)$/.test(f)) continue;
      const m = statSync(join(ROOT, dir, f)).mtimeMs;
      if (m > newest) newest = m;
    }
  }
  return newest;
}

/** Builds into a private dir and swaps it in, so a concurrent start never sees half a bundle. */
async function rebuild(): Promise<void> {
  const { bundleCli } = await import("../bundle.ts");
  const tmp = `${OUT}.${process.pid}.tmp`;
  await bundleCli(tmp);
  rmSync(OUT, { recursive: true, force: true });
  try {
    renameSync(tmp, OUT);
  } catch (error) {
    // Another start swapped its build in first; either is current.
    rmSync(tmp, { recursive: true, force: true });
    if (!existsSync(ENTRY)) throw error;
  }
}

const built = statSync(ENTRY, { throwIfNoEntry: false })?.mtimeMs;
if (built === undefined || newestSource() > built) await rebuild();
await import(ENTRY);
