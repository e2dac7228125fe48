/**
 * Installs Node 24 and the real `openclaw` CLI into the test cache dir (both
 * from the npm registry), so interop tests can drive clawgate with it.
 * Idempotent: does nothing when both are present.
 */
import { CACHE_DIR, NODE_BIN, OPENCLAW_VERSION, openclawCliAvailable } from "../harness/openclaw-cli.ts";
import { installCachedNode, npmInstall } from "./install-node.ts";

if (openclawCliAvailable()) {
  process.stderr.write(`openclaw ${OPENCLAW_VERSION} already installed in ${CACHE_DIR}\n`);
} else {
  await installCachedNode();
  // openclaw's install scripts refuse Node < 24, so Node 24 goes first on PATH.
  await npmInstall(CACHE_DIR, `openclaw@${OPENCLAW_VERSION}`, `${NODE_BIN}:${process.env.PATH}`);
}
