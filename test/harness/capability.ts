/**
 * Tests that need something of the host (multicast, network namespaces):
 * where it is missing they show as skipped with the reason, except under
 * CI=true, where the host is known to provide it and they run (and fail).
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
