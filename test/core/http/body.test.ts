/**
 * `readJsonBody`, the one JSON body reader of `/v1/chat/completions`, `/tools/invoke` and the hooks:
 * upstream's readJsonBodyWithLimit outcomes (empty -> `{}`, 413 and 408 with its texts, 400 with the
 * parser's message), each limit enforced while the body streams in.
 */
import { expect, test } from "bun:test";
import { readJsonBody, type JsonBody } from "../../../core/http/body.ts";

const limits = { maxBytes: 16, timeoutMs: 60_000 };
// `duplex` lets a stream be the body.
const post = (body: BodyInit, headers: Record<string, string> = {}) => new Request("http://127.0.0.1/x", { method: "POST", body, headers, duplex: "half" } as RequestInit);

/** A body that sends `first` and then never ends, until the reader cancels it. */
function stalled(first: string): { stream: ReadableStream<Uint8Array>; cancelled: Promise<void> } {
  let cancel!: () => void;
  const cancelled = new Promise<void>((resolve) => (cancel = resolve));
  const stream = new ReadableStream<Uint8Array>({
    start: (c) => c.enqueue(new TextEncoder().encode(first)),
    cancel: () => cancel(),
  });
  return { stream, cancelled };
}

test("a JSON body -> its value; an empty or blank one -> {}", async () => {
  expect(await readJsonBody(post(' {"a":[1]} '), limits)).toEqual({ ok: true, value: { a: [1] } });
  expect(await readJsonBody(post(""), limits)).toEqual({ ok: true, value: {} });
  expect(await readJsonBody(post(" \n "), limits)).toEqual({ ok: true, value: {} });
});

test("not JSON -> 400 INVALID_JSON with the parser's message", async () => {
  const body = await readJsonBody(post("{nope"), limits);
  expect(body).toMatchObject({ ok: false, code: "INVALID_JSON", status: 400 });
  if (body.ok) throw new Error("unreachable");
  let parserMessage = "";
  try {
    JSON.parse("{nope");
  } catch (error) {
    parserMessage = (error as Error).message;
  }
  expect(body.message).toBe(parserMessage);
});

test("a declared or streamed size past maxBytes -> 413 Payload too large; at the limit -> read", async () => {
  const tooLarge: JsonBody = { ok: false, code: "PAYLOAD_TOO_LARGE", status: 413, message: "Payload too large" };
  expect(await readJsonBody(post("{}", { "content-length": "17" }), limits)).toEqual(tooLarge);
  const { stream, cancelled } = stalled(`"${"x".repeat(20)}"`);
  expect(await readJsonBody(post(stream), limits)).toEqual(tooLarge);
  await cancelled;
  expect(await readJsonBody(post(`"${"x".repeat(14)}"`), limits)).toEqual({ ok: true, value: "x".repeat(14) });
});

test("a body unfinished at timeoutMs -> 408 Request body timeout, and the read is cancelled", async () => {
  const { stream, cancelled } = stalled("{");
  expect(await readJsonBody(post(stream), { maxBytes: 1024, timeoutMs: 50 })).toEqual({ ok: false, code: "REQUEST_BODY_TIMEOUT", status: 408, message: "Request body timeout" });
  await cancelled;
});
