/**
 * The `node` that runs the Node shim in tests and benches: the machine's own
 * when it is new enough (runtime-node/node-version.ts), else the Node 24 that
 * `npm test` installs from the npm registry into the test cache
 * (test/tools/install-node.ts), the same one the real openclaw CLI runs on.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { nodeVersionProblem } from "../../runtime-node/node-version.ts";
import { NODE_BIN } from "./openclaw-cli.ts";

/** The machine's `node` when it can run clawgate-node, else undefined. */
export function machineNode(): string | undefined {
  const node = Bun.which("node");
  if (!node) return undefined;
  const out = Bun.spawnSync([node, "-p", "process.versions.node"], { stdout: "pipe", stderr: "ignore" });
  return out.exitCode === 0 && !nodeVersionProblem(out.stdout.toString().trim()) ? node : undefined;
}

/** Node 24 from the test cache, when installed. */
export const CACHED_NODE = join(NODE_BIN, "node");

let found: string | undefined;

/** Path of a `node` that runs clawgate-node; throws saying how to get one. */
export function testNode(): string {
  found ??= machineNode() ?? (existsSync(CACHED_NODE) ? CACHED_NODE : undefined);
  if (!found) throw new Error(`no Node >= 22.13 for the Node runtime: the machine's node is older or absent and ${CACHED_NODE} is not installed; run \`bun test/tools/install-node.ts\` (\`npm test\` does)`);
  return found;
}
