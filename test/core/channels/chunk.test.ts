/** Reply chunking: every chunk within the limit, cut at the best boundary, text kept whole. */
import { expect, test } from "bun:test";
import { chunkModeOf, chunkText } from "../../../core/channels/chunk.ts";

test("short text -> one chunk; empty -> none", () => {
  expect(chunkText("hello", { limit: 4096 })).toEqual(["hello"]);
  expect(chunkText("   ", { limit: 4096 })).toEqual([]);
});

test("9,000 characters of words -> 3 chunks of <= 4,096, cut between words, nothing lost", () => {
  const words = Array.from({ length: 1500 }, (_, i) => `w${i % 1000}`.padEnd(5, "x"));
  const text = words.join(" ");
  const chunks = chunkText(text, { limit: 4096 });
  expect(chunks.length).toBe(3);
  for (const c of chunks) expect(c.length).toBeLessThanOrEqual(4096);
  expect(chunks.join(" ")).toBe(text);
});

test("a paragraph break in the window is preferred over a space", () => {
  const text = `${"a ".repeat(30)}\n\n${"b ".repeat(30)}`;
  expect(chunkText(text, { limit: 80 })[0]).toBe("a ".repeat(30).trim());
});

test("no boundary -> hard cut that never splits a surrogate pair", () => {
  const text = "😀".repeat(10); // 20 UTF-16 units
  const chunks = chunkText(text, { limit: 5 });
  for (const c of chunks) expect(c.length).toBeLessThanOrEqual(5);
  expect(chunks.join("")).toBe(text);
  expect(chunks.every((c) => !/[\ud800-\udbff]$/.test(c))).toBe(true);
});

test("maxLines (Discord's maxLinesPerMessage) -> short text with many lines splits at line ends, none over the cap", () => {
  const lines = Array.from({ length: 40 }, (_, i) => `line ${i + 1}`);
  const chunks = chunkText(lines.join("\n"), { limit: 2000, maxLines: 17 });
  expect(chunks.map((c) => c.split("\n").length)).toEqual([17, 17, 6]);
  expect(chunks.join("\n")).toBe(lines.join("\n"));
  // Without the cap the same text is one message.
  expect(chunkText(lines.join("\n"), { limit: 2000 })).toEqual([lines.join("\n")]);
});

test("maxLines -> a paragraph break in the second half of the line window is preferred", () => {
  const text = `${Array.from({ length: 12 }, (_, i) => `a${i}`).join("\n")}\n\n${Array.from({ length: 12 }, (_, i) => `b${i}`).join("\n")}`;
  const chunks = chunkText(text, { limit: 2000, maxLines: 17 });
  expect(chunks[0]).toBe(Array.from({ length: 12 }, (_, i) => `a${i}`).join("\n"));
  expect(chunks[1]!.startsWith("b0\n")).toBe(true);
});

test("maxLines with long lines -> the character limit still holds", () => {
  const text = Array.from({ length: 5 }, () => "x".repeat(900)).join("\n");
  const chunks = chunkText(text, { limit: 2000, maxLines: 17 });
  for (const c of chunks) expect(c.length).toBeLessThanOrEqual(2000);
  expect(chunks.join("\n")).toBe(text);
});

/** Whether every fence a chunk opens is closed in it (each message renders on its own). */
function balanced(chunk: string): boolean {
  let open: string | undefined;
  for (const line of chunk.split("\n")) {
    const m = /^ {0,3}(`{3,}|~{3,})(.*)$/.exec(line);
    if (!m) continue;
    if (!open) open = m[1];
    else if (m[1]![0] === open[0] && m[1]!.length >= open.length && !m[2]!.trim()) open = undefined;
  }
  return open === undefined;
}

const code = Array.from({ length: 60 }, (_, i) => `  const value${i} = compute(${i}); // line ${i}`).join("\n");

test("a code block longer than the limit -> each chunk closes the fence and the next reopens it with its language tag", () => {
  const text = `Here is the file:\n\n\`\`\`ts\n${code}\n\`\`\`\n\nThat is all.`;
  const chunks = chunkText(text, { limit: 800 });
  expect(chunks.length).toBeGreaterThan(2);
  for (const c of chunks) {
    expect(c.length).toBeLessThanOrEqual(800);
    expect(balanced(c)).toBe(true);
  }
  // Cut at a line of the code, closed with the fence's own marker, reopened with "```ts".
  expect(chunks[0]!.startsWith("Here is the file:\n\n```ts\n")).toBe(true);
  expect(chunks[0]!.endsWith("\n```")).toBe(true);
  for (const c of chunks.slice(1, -1)) expect(c.startsWith("```ts\n")).toBe(true);
  // Nothing lost, indentation kept: the code lines are all there, in order, once.
  const lines = chunks.join("\n").split("\n").filter((l) => l.startsWith("  const value"));
  expect(lines).toEqual(code.split("\n"));
  expect(chunks.at(-1)!.endsWith("That is all.")).toBe(true);
});

test("a short code block that would be cut -> the chunk ends before it instead (a line boundary outside the fence wins)", () => {
  const intro = "word ".repeat(100).trim();
  const block = "```py\nprint(1)\nprint(2)\n```";
  const chunks = chunkText(`${intro}\n${block}`, { limit: 520 });
  expect(chunks).toEqual([intro, block]);
});

test("~~~ fences and longer backtick fences -> closed with their own marker; inner ``` lines are content", () => {
  const body = Array.from({ length: 30 }, (_, i) => (i === 5 ? "```" : `row ${i} ${"x".repeat(20)}`)).join("\n");
  const chunks = chunkText(`~~~~sh\n${body}\n~~~~`, { limit: 300 });
  expect(chunks.length).toBeGreaterThan(1);
  for (const c of chunks) {
    expect(c.length).toBeLessThanOrEqual(300);
    expect(c.startsWith("~~~~sh\n")).toBe(true);
    expect(c.endsWith("\n~~~~")).toBe(true);
  }
});

test("a code line longer than the limit -> hard cut inside the fence, still closed and reopened", () => {
  const long = "x".repeat(500);
  const chunks = chunkText(`\`\`\`\n${long}\n\`\`\``, { limit: 200 });
  for (const c of chunks) {
    expect(c.length).toBeLessThanOrEqual(200);
    expect(c.startsWith("```\n")).toBe(true);
    expect(c.endsWith("\n```")).toBe(true);
  }
  expect(chunks.map((c) => c.slice(4, -4)).join("")).toBe(long);
});

test("fences and Discord's line cap -> the opening and closing lines count, no chunk over maxLines", () => {
  const body = Array.from({ length: 40 }, (_, i) => `l${i}`).join("\n");
  const chunks = chunkText(`\`\`\`js\n${body}\n\`\`\``, { limit: 2000, maxLines: 17 });
  for (const c of chunks) {
    expect(c.split("\n").length).toBeLessThanOrEqual(17);
    expect(balanced(c)).toBe(true);
  }
  expect(chunks.join("\n").split("\n").filter((l) => /^l\d+$/.test(l))).toEqual(body.split("\n"));
});

test("no line break in the window -> a sentence end is preferred over a later space", () => {
  const text = `${"alpha beta. ".repeat(6)}gamma delta epsilon zeta eta theta iota kappa`;
  const chunks = chunkText(text, { limit: 100 });
  expect(chunks[0]!.endsWith(".")).toBe(true);
  expect(chunks.join(" ")).toBe(text);
});

test("mode newline -> paragraphs kept whole and packed while they fit; length mode fills the message instead", () => {
  const paras = ["a".repeat(50), "b".repeat(50), "c".repeat(50)];
  const text = paras.join("\n\n");
  expect(chunkText(text, { limit: 110, mode: "newline" })).toEqual([`${paras[0]}\n\n${paras[1]}`, paras[2]]);
  expect(chunkText(text, { limit: 60, mode: "newline" })).toEqual(paras);
  // A paragraph too long on its own is cut by length.
  expect(chunkText(`${"word ".repeat(30).trim()}\n\nend`, { limit: 60, mode: "newline" }).every((c) => c.length <= 60)).toBe(true);
  // A blank line inside a code block is not a paragraph break.
  const fenced = "```\nx\n\ny\n```";
  expect(chunkText(`${fenced}\n\nafter`, { limit: 14, mode: "newline" })[0]).toBe(fenced);
});

test("chunkModeOf -> the account's streaming.chunkMode over the root's, else length; unknown values ignored", () => {
  expect(chunkModeOf({}, {})).toBe("length");
  expect(chunkModeOf({}, { streaming: { chunkMode: "newline" } })).toBe("newline");
  expect(chunkModeOf({ streaming: { chunkMode: "length" } }, { streaming: { chunkMode: "newline" } })).toBe("length");
  expect(chunkModeOf({ streaming: { chunkMode: "paragraph" } }, {})).toBe("length");
});
