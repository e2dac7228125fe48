/**
 * The CLI split into chunks the way the compiled binary splits it
 * (runtime-bun/build.ts: same entry, `splitting`, `minify`, ESM), as plain
 * JavaScript files: each verb's code sits in a chunk loaded only when that
 * verb runs. The tests read these chunks to prove it (verb-table.test.ts),
 * and bench process-budget starts the bundle beside the binary, which is
 * what `npm start` runs: without the binary's bytecode the same chunks start
 * in about 1.6 times its time. A CommonJS bundle with bytecode (which Bun
 * builds without compiling) started between the two but idled 2-3 MB
 * heavier: CommonJS cannot split, so every verb's bytecode loads.
 */
import { rmSync } from "node:fs";
import { join } from "node:path";
import { ENTRY } from "./build.ts";

/** Bundles the CLI into `outdir`, replacing what was there; resolves with the entry's path. */
export async function bundleCli(outdir: string): Promise<string> {
  rmSync(outdir, { recursive: true, force: true });
  const result = await Bun.build({ entrypoints: [ENTRY], outdir, target: "bun", format: "esm", splitting: true, minify: true, naming: { entry: "clawgate.js" } });
  if (!result.success) throw new Error(`bundling the CLI failed:\n${result.logs.join("\n")}`);
  return join(outdir, "clawgate.js");
}
