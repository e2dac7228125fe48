/**
 * Server-Sent Events reader for upstream model streams: yields the `data`
 * of each event as it completes (WHATWG event-stream rules: LF, CR or CRLF
 * line ends, multi-line data joined with "\n", comments ignored).
 * Runtime-agnostic.
 */

/** The `data` payload of every event in `body`, in order. */
export async function* sseData(body: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  const reader = body.getReader();
  let buffer = "";
  let data: string[] = [];
  try {
    for (;;) {
      const { value, done } = await reader.read();
      buffer += done ? decoder.decode() : decoder.decode(value, { stream: true });
      let start = 0;
      for (;;) {
        const end = nextLineEnd(buffer, start);
        if (end === -1) break;
        const line = buffer.slice(start, end);
        start = end + (buffer[end] === "\r" && buffer[end + 1] === "\n" ? 2 : 1);
        if (line === "") {
          if (data.length > 0) yield data.join("\n");
          data = [];
        } else if (line.startsWith("data:")) {
          data.push(line.charCodeAt(5) === 32 ? line.slice(6) : line.slice(5));
        }
      }
      buffer = buffer.slice(start);
      if (done) break;
    }
    // A stream that ends without the blank line still delivered its last event.
    if (buffer.startsWith("data:")) data.push(buffer.charCodeAt(5) === 32 ? buffer.slice(6) : buffer.slice(5));
    if (data.length > 0) yield data.join("\n");
  } finally {
    reader.releaseLock();
  }
}

/** Index of the next CR or LF at or after `from`; a trailing lone CR waits for more input. */
function nextLineEnd(text: string, from: number): number {
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) return i;
    if (c === 13) return i + 1 < text.length ? i : -1;
  }
  return -1;
}
