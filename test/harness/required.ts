/**
 * Tests that need what `npm ci` cannot install (the real openclaw CLI,
 * qemu-user and the arm64 C libraries): skipped, saying why, on a machine
 * without it; under CI, which installs them (.ci/run), a missing one is a
 * failing test, so a CI run can never pass by skipping them.
 */
import { test } from "bun:test";

const underCi = !["", "0", "false"].includes(process.env.CI ?? "");

/** True when the suite should skip (`describe.skipIf`); registers the failure instead of a skip under CI. */
export function skipWithout(available: boolean, what: string, why: string): boolean {
  if (available) return false;
  if (underCi) {
    test(`${what}: required under CI`, () => {
      throw new Error(`${what} cannot run: ${why} (.ci/run installs it)`);
    });
  } else {
    console.warn(`skipping ${what}: ${why}`);
  }
  return true;
}
