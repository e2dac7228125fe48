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

test("maxLines (Discord's maxLinesPerMessage) -> short text with many lines splits at line ends, none over the cap", () => {
  const lines = Array.from({ length: 40 }, (_, i) => `line ${i + 1}`);
  const chunks = chunkText(lines.join("\n"), 2000, 17);
  expect(chunks.map((c) => c.split("\n").length)).toEqual([17, 17, 6]);
  expect(chunks.join("\n")).toBe(lines.join("\n"));
  // Without the cap the same text is one message.
  expect(chunkText(lines.join("\n"), 2000)).toEqual([lines.join("\n")]);
});

test("maxLines -> a paragraph break in the second half of the line window is preferred", () => {
  const text = `${Array.from({ length: 12 }, (_, i) => `a${i}`).join("\n")}\n\n${Array.from({ length: 12 }, (_, i) => `b${i}`).join("\n")}`;
  const chunks = chunkText(text, 2000, 17);
  expect(chunks[0]).toBe(Array.from({ length: 12 }, (_, i) => `a${i}`).join("\n"));
  expect(chunks[1]!.startsWith("b0\n")).toBe(true);
});

test("maxLines with long lines -> the character limit still holds", () => {
  const text = Array.from({ length: 5 }, () => "x".repeat(900)).join("\n");
  const chunks = chunkText(text, 2000, 17);
  for (const c of chunks) expect(c.length).toBeLessThanOrEqual(2000);
  expect(chunks.join("\n")).toBe(text);
});
