/**
 * Suites that need what `npm ci` cannot install (the real openclaw CLI,
 * qemu-user and the arm64 C libraries): skipped, saying why, on a machine
 * without it; under CI, which installs them (.ci/run), a missing one is a
 * failing test, so a CI run can never pass by skipping them. The
 * describe-level counterpart of capability.ts's per-test `testNeeding`.
 */
import { test } from "bun:test";
import { IN_CI } from "./capability.ts";

/** True when the suite should skip (`describe.skipIf`); registers the failure instead of a skip under CI. */
export function skipWithout(available: boolean, what: string, why: string): boolean {
  if (available) return false;
  if (IN_CI) {
    test(`${what}: required under CI`, () => {
      throw new Error(`${what} cannot run: ${why} (.ci/run installs it)`);
    });
  } else {
    console.warn(`skipping ${what}: ${why}`);
  }
  return true;
}
