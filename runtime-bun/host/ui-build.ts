/**
 * Bundles clawgate's own Control UI (core/ui/index.html and what it loads)
 * with `bun build` into hashed `assets/` files. Used as a Bun macro by
 * ./ui-assets.ts, so the bundle, the Node bundle and the compiled binary
 * carry the result as constants; a macro may not call Bun.build itself (the
 * bundler would wait on itself), so it runs the CLI.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const INDEX = fileURLToPath(new URL("../../core/ui/index.html", import.meta.url));

/** The built UI's files, path relative to its root -> text. */
export function buildControlUi(): Record<string, string> {
  const out = mkdtempSync(join(tmpdir(), "clawgate-ui-"));
  try {
    const run = spawnSync(process.execPath, [
      "build", INDEX, "--outdir", out, "--target=browser", "--minify",
      "--entry-naming=[name].[ext]", "--chunk-naming=assets/[name]-[hash].[ext]", "--asset-naming=assets/[name]-[hash].[ext]",
    ], { encoding: "utf8" });
    if (run.status !== 0) throw new Error(`building the Control UI failed:\n${run.stdout}${run.stderr}`);
    const files: Record<string, string> = {};
    const walk = (dir: string, prefix: string) => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) walk(path, `${prefix}${name}/`);
        else files[`${prefix}${name}`] = readFileSync(path, "utf8");
      }
    };
    walk(out, "");
    return files;
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}
