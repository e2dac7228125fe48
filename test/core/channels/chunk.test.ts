/** Reply chunking: every chunk within the limit, cut at the best boundary, text kept whole. */
import { expect, test } from "bun:test";
import { chunkText } from "../../../core/channels/chunk.ts";

test("short text -> one chunk; empty -> none", () => {
  expect(chunkText("hello", 4096)).toEqual(["hello"]);
  expect(chunkText("   ", 4096)).toEqual([]);
});

test("9,000 characters of words -> 3 chunks of <= 4,096, cut between words, nothing lost", () => {
  const words = Array.from({ length: 1500 }, (_, i) => `w${i % 1000}`.padEnd(5, "x"));
  const text = words.join(" ");
  const chunks = chunkText(text, 4096);
  expect(chunks.length).toBe(3);
  for (const c of chunks) expect(c.length).toBeLessThanOrEqual(4096);
  expect(chunks.join(" ")).toBe(text);
});

test("a paragraph break in the window is preferred over a space", () => {
  const text = `${"a ".repeat(30)}\n\n${"b ".repeat(30)}`;
  expect(chunkText(text, 80)[0]).toBe("a ".repeat(30).trim());
});

test("no boundary -> hard cut that never splits a surrogate pair", () => {
  const text = "😀".repeat(10); // 20 UTF-16 units
  const chunks = chunkText(text, 5);
  for (const c of chunks) expect(c.length).toBeLessThanOrEqual(5);
  expect(chunks.join("")).toBe(text);
  expect(chunks.every((c) => !/[\ud800-\udbff]$/.test(c))).toBe(true);
});
