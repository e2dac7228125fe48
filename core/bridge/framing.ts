/**
 * Newline-delimited framing for the TCP bridge (docs/bridge-protocol.md):
 * bytes in, complete UTF-8 lines out. A line may arrive in any number of
 * chunks and a chunk may hold many lines; a line longer than the cap is
 * reported instead of buffered without bound. Runtime-agnostic.
 */

const NEWLINE = 0x0a;
const CR = 0x0d;
const decoder = new TextDecoder();

/** What one chunk produced: its complete lines, and whether the line cap was crossed. */
export interface Framed {
  lines: string[];
  /** The unterminated or current line grew past the cap; the caller must close. */
  tooLong: boolean;
}

export class LineFramer {
  private parts: Uint8Array[] = [];
  private partial = 0;

  /** `maxLineBytes()` is read per chunk, so the cap can rise once a peer is authenticated. */
  constructor(private readonly maxLineBytes: () => number) {}

  /** Splits `chunk` into lines; bytes after the last newline wait for the next chunk. */
  push(chunk: Uint8Array): Framed {
    const lines: string[] = [];
    const max = this.maxLineBytes();
    let start = 0;
    for (let i = chunk.indexOf(NEWLINE); i !== -1; i = chunk.indexOf(NEWLINE, start)) {
      if (this.partial + (i - start) > max) return this.overflow(lines);
      lines.push(this.take(chunk.subarray(start, i)));
      start = i + 1;
    }
    const rest = chunk.length - start;
    if (rest > 0) {
      if (this.partial + rest > max) return this.overflow(lines);
      // Copy: the transport may reuse its receive buffer.
      this.parts.push(chunk.slice(start));
      this.partial += rest;
    }
    return { lines, tooLong: false };
  }

  /** Bytes held for an unterminated line. */
  buffered(): number {
    return this.partial;
  }

  private take(tail: Uint8Array): string {
    let bytes = tail;
    if (this.parts.length > 0) {
      bytes = new Uint8Array(this.partial + tail.length);
      let at = 0;
      for (const p of this.parts) {
        bytes.set(p, at);
        at += p.length;
      }
      bytes.set(tail, at);
      this.parts = [];
      this.partial = 0;
    }
    // Tolerate CRLF line ends.
    const end = bytes.length > 0 && bytes[bytes.length - 1] === CR ? bytes.length - 1 : bytes.length;
    return decoder.decode(bytes.subarray(0, end));
  }

  private overflow(lines: string[]): Framed {
    this.parts = [];
    this.partial = 0;
    return { lines, tooLong: true };
  }
}

/** Token bucket over lines: a burst allowance refilled at a steady rate. */
export class LineBudget {
  private tokens: number;
  private last: number;

  constructor(private readonly burst: number, private readonly perSecond: number, private readonly now: () => number) {
    this.tokens = burst;
    this.last = now();
  }

  /** Spends one line; false once the peer is sending faster than the budget allows. */
  take(): boolean {
    const now = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) * this.perSecond) / 1000);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
