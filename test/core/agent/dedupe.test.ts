/**
 * The idempotency cache (§6): entries live 5 minutes and at most 1,000 keys
 * are kept, oldest dropped first.
 */
import { expect, test } from "bun:test";
import { DedupeCache } from "../../../core/agent/dedupe.ts";

// Written out, not read from the product: 5 minutes and 1,000 keys (§6).
const DEDUPE_TTL_MS = 300_000;
const DEDUPE_MAX_ENTRIES = 1000;

test("an entry expires after 5 minutes", () => {
  let now = 0;
  const cache = new DedupeCache<string>(() => now);
  cache.set("k", "v");
  now = DEDUPE_TTL_MS;
  expect(cache.get("k")).toBe("v");
  now = DEDUPE_TTL_MS + 1;
  expect(cache.get("k")).toBeUndefined();
});

test("the 1,001st key evicts the oldest; re-setting a key makes it young again", () => {
  const cache = new DedupeCache<number>(() => 0);
  for (let i = 0; i < DEDUPE_MAX_ENTRIES; i++) cache.set(`k${i}`, i);
  cache.set("k0", 0);
  cache.set("new", 1);
  expect(cache.size).toBe(DEDUPE_MAX_ENTRIES);
  expect(cache.get("k1")).toBeUndefined();
  expect(cache.get("k0")).toBe(0);
  expect(cache.get("new")).toBe(1);
});
