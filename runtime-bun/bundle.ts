/**
 * What `npm start` runs: the CLI bundled to one CommonJS file with its
 * bytecode beside it (dist/clawgate.js and .jsc), which Bun loads without
 * transpiling or parsing. Running runtime-bun/bin/clawgate.ts directly loads
 * some 230 modules one by one, zod's 64 message locales among them (a bundle
 * keeps only what is used): 5.7 MB more idle RSS and twice the start time (bench
 * process-budget, side by side). CommonJS because Bun embeds bytecode for ESM
 * only in compiled binaries.
 *
 * Usage: bun runtime-bun/bundle.ts [--outdir DIR]
 */
import { join, resolve } from "node:path";
import { ENTRY } from "./build.ts";

const ROOT = resolve(import.meta.dir, "..");

/** Bundles the CLI into `outdir`; resolves with the bundle's path. */
export async function bundleCli(outdir: string): Promise<string> {
  const result = await Bun.build({ entrypoints: [ENTRY], outdir, target: "bun", format: "cjs", bytecode: true, minify: true, naming: "clawgate.js" });
  if (!result.success) throw new Error(`bundling the CLI failed:\n${result.logs.join("\n")}`);
  return join(outdir, "clawgate.js");
}

if (import.meta.main) {
  const i = process.argv.indexOf("--outdir");
  await bundleCli(resolve(i >= 0 ? process.argv[i + 1]! : join(ROOT, "dist")));
}
