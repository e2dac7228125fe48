/**
 * Bundles the Node entry (runtime-node/bin/clawgate-node.ts) into
 * dist/clawgate-node.mjs: ESM for Node, every package left to node_modules.
 * Runs on `npm ci` / `npm install` (the `prepare` script), so the
 * `clawgate-node` bin exists after install, and again before the tests and
 * benches that start a Node gateway, so what they run is the current source.
 *
 * Usage: bun runtime-node/build.ts
 */
import { chmodSync, mkdirSync, mkdtempSync, renameSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";

const ROOT = resolve(import.meta.dir, "..");
const ENTRY = join(ROOT, "runtime-node", "bin", "clawgate-node.ts");
/** The bundle `node` runs. */
export const NODE_BUNDLE = join(ROOT, "dist", "clawgate-node.mjs");

/** Builds the bundle; resolves with its path or rejects with Bun's messages. */
export async function buildNodeBundle(): Promise<string> {
  // Built beside the target and renamed over it, so a Node gateway starting meanwhile never reads half a file.
  mkdirSync(join(ROOT, "dist"), { recursive: true });
  const scratch = mkdtempSync(join(ROOT, "dist", ".node-build-"));
  try {
    const result = await Bun.build({ entrypoints: [ENTRY], outdir: scratch, naming: "clawgate-node.mjs", target: "node", format: "esm", packages: "external" });
    if (!result.success) throw new Error(`bun build of the Node entry failed:\n${result.logs.map(String).join("\n")}`);
    const built = join(scratch, "clawgate-node.mjs");
    chmodSync(built, 0o755);
    renameSync(built, NODE_BUNDLE);
    return NODE_BUNDLE;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

if (import.meta.main) {
  const t0 = performance.now();
  const path = await buildNodeBundle();
  console.log(`built ${path} in ${Math.round(performance.now() - t0)} ms`);
}
