/**
 * Chunks kept within the limit once rendered (upstream's renderMarkdownIRChunksWithinLimit), measured with Telegram's
 * HTML: escapes and tags never push a chunk past the limit, nothing is lost or doubled, code blocks stay whole blocks,
 * and text whose rendering does not grow is cut exactly as ./chunk.ts cuts it.
 */
import { expect, test } from "bun:test";
import { chunkText } from "../../../core/channels/chunk.ts";
import { chunkWithinRendered } from "../../../core/channels/rendered-chunks.ts";
import { toTelegramHtml } from "../../../core/channels/telegram/format.ts";

const html = (chunk: string) => toTelegramHtml(chunk).length;
const words = (text: string) => text.split(/\s+/).filter(Boolean);

test("a reply full of & and < -> every chunk's HTML within the limit, every word once, in order", () => {
  const text = Array.from({ length: 400 }, (_, i) => `a&b<${i}`).join(" ");
  const limit = 1000;
  expect(chunkText(text, { limit }).some((c) => html(c) > limit)).toBe(true);
  const chunks = chunkWithinRendered(text, { limit }, html);
  for (const chunk of chunks) expect(html(chunk)).toBeLessThanOrEqual(limit);
  expect(chunks.flatMap(words)).toEqual(words(text));
});

test("a run with no boundary renders over the limit -> hard cuts that fit, never inside a surrogate pair", () => {
  const text = "&😀".repeat(500);
  const chunks = chunkWithinRendered(text, { limit: 301 }, html);
  for (const chunk of chunks) {
    expect(html(chunk)).toBeLessThanOrEqual(301);
    expect(chunk).not.toMatch(/[\ud800-\udbff]$/);
  }
  expect(chunks.join("")).toBe(text);
});

test("a fenced block of < and & -> cut again inside the fence, each chunk one whole <pre> block within the limit", () => {
  const lines = Array.from({ length: 60 }, (_, i) => `if (a < ${i} && b > ${i}) x <<= 1;`);
  const text = `\`\`\`c\n${lines.join("\n")}\n\`\`\``;
  const chunks = chunkWithinRendered(text, { limit: 600 }, html);
  expect(chunks.length).toBeGreaterThan(2);
  for (const chunk of chunks) {
    expect(html(chunk)).toBeLessThanOrEqual(600);
    expect(toTelegramHtml(chunk)).toMatch(/^<pre>[^]*<\/pre>$/);
  }
  const code = chunks.flatMap((c) => c.split("\n").filter((l) => !l.startsWith("```")));
  expect(code).toEqual(lines);
});

test("text whose rendering does not grow -> the same chunks as chunkText (control)", () => {
  const text = Array.from({ length: 300 }, (_, i) => `word${i}.`).join(" ");
  expect(chunkWithinRendered(text, { limit: 200 }, html)).toEqual(chunkText(text, { limit: 200 }));
});

test("not even one character renders within the limit -> the chunk kept as it is (as upstream), the cutting ends", () => {
  expect(chunkWithinRendered("&&", { limit: 4 }, html)).toEqual(["&&"]);
});
