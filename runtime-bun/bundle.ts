/**
 * What `npm start` runs: the CLI bundled to dist/bun/clawgate.js, split so
 * each verb's code sits in a chunk loaded only when that verb runs. Running
 * runtime-bun/bin/clawgate.ts directly transpiles and loads some 230 modules
 * one by one, zod's 64 message locales among them (a bundle keeps only what
 * is used): 7 MB more idle RSS and a third more start time (bench
 * process-budget, side by side). A CommonJS bundle with bytecode started
 * faster (44 ms against 68) but idled 2-3 MB heavier: it loads every verb's
 * bytecode.
 *
 * Usage: bun runtime-bun/bundle.ts [--outdir DIR]
 */
import { rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { ENTRY } from "./build.ts";

const ROOT = resolve(import.meta.dir, "..");

/** Bundles the CLI into `outdir`, replacing what was there; resolves with the entry's path. */
export async function bundleCli(outdir: string): Promise<string> {
  rmSync(outdir, { recursive: true, force: true });
  const result = await Bun.build({ entrypoints: [ENTRY], outdir, target: "bun", format: "esm", splitting: true, minify: true, naming: { entry: "clawgate.js" } });
  if (!result.success) throw new Error(`bundling the CLI failed:\n${result.logs.join("\n")}`);
  return join(outdir, "clawgate.js");
}

if (import.meta.main) {
  const i = process.argv.indexOf("--outdir");
  await bundleCli(resolve(i >= 0 ? process.argv[i + 1]! : join(ROOT, "dist", "bun")));
}
