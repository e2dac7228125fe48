/**
 * Installs Node 24 from the npm registry (NODE_PACKAGE@24) into the test
 * cache when the machine's Node cannot run clawgate-node (older than 22.13),
 * so the Node-runtime tests run everywhere `npm ci` does. Idempotent.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { CACHE_DIR, NODE_PACKAGE } from "../harness/openclaw-cli.ts";
import { CACHED_NODE, machineNode } from "../harness/node-runtime.ts";

/** Runs `npm install spec` in `dir` with `path` as PATH (so the npm that runs is the first `node` on it). */
export async function npmInstall(dir: string, spec: string, path: string): Promise<void> {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "package.json"), JSON.stringify({ private: true }));
  process.stderr.write(`installing ${spec} into ${dir}\n`);
  const proc = Bun.spawn(["npm", "install", "--no-audit", "--no-fund", "--save-exact", spec], { cwd: dir, env: { ...process.env, PATH: path }, stdout: "inherit", stderr: "inherit" });
  if ((await proc.exited) !== 0) throw new Error(`npm install ${spec} failed`);
}

/** Node 24 in the cache, installed unless already there. */
export async function installCachedNode(): Promise<void> {
  if (await Bun.file(CACHED_NODE).exists()) return;
  await npmInstall(join(CACHE_DIR, "node24"), `${NODE_PACKAGE}@24`, process.env.PATH ?? "");
}

if (import.meta.main && !machineNode()) await installCachedNode();
