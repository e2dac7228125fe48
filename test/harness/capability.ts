/**
 * Tests that need something of the host (multicast, network namespaces, a
 * systemd user manager) or what `npm ci` cannot install (the real openclaw
 * CLI, qemu-user and the arm64 C libraries): where it is missing they show as
 * skipped with the reason, except under CI=true, where the host provides it
 * (.ci/run installs what it must) and they run, and fail.
 */
import { test } from "bun:test";

/** CI=true (or 1): the CI machine has every capability, so nothing may skip. */
export const IN_CI = process.env.CI === "true" || process.env.CI === "1";

/** `test`, or `test.skip` (with the reason printed once) when `missing` is set outside CI. */
export function testNeeding(what: string, missing: string | undefined): typeof test {
  if (!missing) return test;
  if (IN_CI) return test;
  console.warn(`skipping the tests that need ${what}: ${missing}`);
  return test.skip;
}

/**
 * The describe-level form: true when the suite should skip (`describe.skipIf`); under CI
 * it registers a failing test instead, so a CI run can never pass by skipping the suite.
 */
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
