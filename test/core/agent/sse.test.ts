/**
 * The upstream SSE reader: events split across reads, every line-ending
 * style, multi-line data, comments, and a last event without its blank line.
 */
import { describe, expect, test } from "bun:test";
import { sseData } from "../../../core/agent/sse.ts";

function streamOf(pieces: string[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const p of pieces) controller.enqueue(encoder.encode(p));
      controller.close();
    },
  });
}

async function collect(pieces: string[]): Promise<string[]> {
  const out: string[] = [];
  for await (const data of sseData(streamOf(pieces))) out.push(data);
  return out;
}

describe("sseData", () => {
  test("events split anywhere across reads come out whole, in order", async () => {
    expect(await collect(['data: {"a"', ":1}\n", "\ndata: [DO", "NE]\n\n"])).toEqual(['{"a":1}', "[DONE]"]);
  });

  test("LF, CRLF and CR line ends; a CR split from its LF across reads", async () => {
    expect(await collect(["data: one\r\n\r\n", "data: two\r", "\r", "data: three\r", "\n\r\n"])).toEqual(["one", "two", "three"]);
  });

  test("multi-line data joins with \\n; comments, other fields and `data:` without a space", async () => {
    expect(await collect([": keep-alive\n\nevent: x\nid: 1\ndata:first\ndata: second\n\n"])).toEqual(["first\nsecond"]);
  });

  test("a last event without the closing blank line is still delivered", async () => {
    expect(await collect(["data: a\n\ndata: tail"])).toEqual(["a", "tail"]);
  });

  test("multi-byte UTF-8 split across reads decodes intact", async () => {
    const bytes = new TextEncoder().encode("data: héllo ✓\n\n");
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const b of bytes) controller.enqueue(new Uint8Array([b]));
        controller.close();
      },
    });
    const out: string[] = [];
    for await (const data of sseData(stream)) out.push(data);
    expect(out).toEqual(["héllo ✓"]);
  });
});
