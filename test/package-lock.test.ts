/**
 * `npm ci` prints no EBADENGINE warning on any Node that package.json's
 * "engines" admits: every locked package accepts the oldest such Node. The
 * reference client, which wants Node >= 22.19, is installed apart
 * (test/tools/install-reference-client.ts) for this reason.
 */
import { expect, test } from "bun:test";
import { join } from "node:path";

const root = join(import.meta.dir, "..");

test("every package in package-lock.json accepts the oldest Node of package.json's engines", async () => {
  const pkg = await Bun.file(join(root, "package.json")).json();
  const floor = /^>=\s*(\d+)(?:\.(\d+))?(?:\.(\d+))?$/.exec(pkg.engines.node);
  expect(floor).not.toBeNull();
  const oldest = `${floor![1]}.${floor![2] ?? 0}.${floor![3] ?? 0}`;
  const lock = await Bun.file(join(root, "package-lock.json")).json();
  const refusing = Object.entries<any>(lock.packages)
    .filter(([, p]) => p.engines?.node && !Bun.semver.satisfies(oldest, p.engines.node))
    .map(([name, p]) => `${name} (node ${p.engines.node})`);
  expect(refusing).toEqual([]);
});
