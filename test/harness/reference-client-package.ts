/**
 * Where the published reference client `@openclaw/gateway-client` lives for
 * tests and benches. It is not a devDependency: every published version wants
 * Node >= 22.19, so `npm ci` on an older Node warns (EBADENGINE) although only
 * Bun ever loads it. test/tools/install-reference-client.ts installs it here
 * (`npm test` and `npm run bench` run that first); tsconfig.json "paths" maps
 * the bare specifier to this dir, for tsc and for Bun alike.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

export const REFERENCE_CLIENT_PACKAGE = "@openclaw/gateway-client";
export const REFERENCE_CLIENT_VERSION = "2026.9.1";
/** The engine its package.json asks for; npm must run on at least this Node to install it quietly. */
export const REFERENCE_CLIENT_MIN_NODE = "22.19.0";
/** In-repo (gitignored) so tsconfig's "paths" can name it relative to the repo. */
export const REFERENCE_CLIENT_DIR = join(import.meta.dir, "..", "..", ".cache", "reference-client");

/** True when the pinned version is installed in REFERENCE_CLIENT_DIR. */
export function referenceClientInstalled(): boolean {
  const manifest = join(REFERENCE_CLIENT_DIR, "node_modules", REFERENCE_CLIENT_PACKAGE, "package.json");
  return existsSync(manifest) && JSON.parse(readFileSync(manifest, "utf8")).version === REFERENCE_CLIENT_VERSION;
}
