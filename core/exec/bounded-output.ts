/**
 * Reads a child's output stream to its end, keeping at most `max` bytes: the
 * rest is read and dropped, so a flooding child never blocks on a full pipe
 * and never grows the gateway's memory. Both shims feed their streams here.
 * Runtime-agnostic.
 */

/** What a bounded read kept. */
export interface BoundedText {
  text: string;
  truncated: boolean;
}

/** The chunks of a Web stream (Bun's pipes) or an async iterable (Node's). */
async function* chunksOf(source: ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>): AsyncIterable<Uint8Array> {
  if (!("getReader" in source)) return yield* source;
  const reader = source.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    yield value;
  }
}

export async function readBounded(source: ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>, max: number): Promise<BoundedText> {
  const kept: Uint8Array[] = [];
  let size = 0;
  let truncated = false;
  for await (const chunk of chunksOf(source)) {
    if (size >= max) {
      truncated = true;
      continue;
    }
    const room = max - size;
    const part = chunk.byteLength > room ? chunk.subarray(0, room) : chunk;
    if (part !== chunk) truncated = true;
    // Copied: a runtime may reuse the chunk's buffer for its next read.
    kept.push(part.slice());
    size += part.byteLength;
  }
  const all = new Uint8Array(size);
  let at = 0;
  for (const part of kept) {
    all.set(part, at);
    at += part.byteLength;
  }
  return { text: new TextDecoder().decode(all), truncated };
}
