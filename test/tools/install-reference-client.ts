/**
 * Installs the pinned reference client (test/harness/reference-client-package.ts)
 * from the npm registry into .cache/reference-client, with npm running on a
 * Node its engines field accepts: the machine's when new enough, else the
 * Node 24 of the test cache. Idempotent: does nothing when it is installed.
 */
import { NODE_BIN } from "../harness/openclaw-cli.ts";
import { REFERENCE_CLIENT_DIR, REFERENCE_CLIENT_MIN_NODE, REFERENCE_CLIENT_PACKAGE, REFERENCE_CLIENT_VERSION, referenceClientInstalled } from "../harness/reference-client-package.ts";
import { installCachedNode, npmInstall } from "./install-node.ts";

/** True when the machine's `node` (the one npm would run on) is at least `min`. */
function machineNodeAtLeast(min: string): boolean {
  const node = Bun.which("node");
  if (!node) return false;
  const out = Bun.spawnSync([node, "-p", "process.versions.node"], { stdout: "pipe", stderr: "ignore" });
  if (out.exitCode !== 0) return false;
  const have = out.stdout.toString().trim().split(".").map(Number);
  const want = min.split(".").map(Number);
  for (let i = 0; i < want.length; i++) if ((have[i] ?? 0) !== want[i]) return (have[i] ?? 0) > want[i]!;
  return true;
}

if (!referenceClientInstalled()) {
  let path = process.env.PATH ?? "";
  if (!machineNodeAtLeast(REFERENCE_CLIENT_MIN_NODE)) {
    await installCachedNode();
    path = `${NODE_BIN}:${path}`;
  }
  await npmInstall(REFERENCE_CLIENT_DIR, `${REFERENCE_CLIENT_PACKAGE}@${REFERENCE_CLIENT_VERSION}`, path);
}
