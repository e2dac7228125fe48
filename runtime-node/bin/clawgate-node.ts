#!/usr/bin/env node
/**
 * Entry point of `clawgate-node`: the same CLI and gateway on Node >= 22.13.
 * Node does not run TypeScript, so this is bundled to dist/clawgate-node.mjs
 * (runtime-node/build.ts) and that file is what `node` and the bin run.
 */
import { nodeVersionProblem } from "../node-version.ts";

const problem = nodeVersionProblem(process.versions.node);
if (problem) {
  process.stderr.write(`clawgate-node: ${problem}\n`);
  // Upstream's `openclaw` exits 1 on an unsupported Node too.
  process.exit(1);
}
// Loaded only once the version passed, so nothing an older Node lacks is reached first.
const { main } = await import("../../runtime-bun/host/cli/main.ts");
const { nodePlatform } = await import("../platform.ts");
process.exitCode = await main(process.argv.slice(2), nodePlatform);
