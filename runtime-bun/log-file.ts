/**
 * The gateway's JSONL log: one record per line to `logging.file`, a short
 * human line on stderr, and byte-cursor reads for `logs.tail`. Fields whose
 * names suggest a secret are redacted before anything is written.
 */
import { appendFileSync, chmodSync, closeSync, existsSync, mkdirSync, openSync, readSync, statSync } from "node:fs";
import { dirname } from "node:path";
import type { LogPage, LogReader, Logger } from "../core/runtime.ts";

const LEVELS = ["trace", "debug", "info", "warn", "error", "fatal"] as const;
type Level = (typeof LEVELS)[number];
const SECRET_KEY = /token|password|secret|signature|authorization|apikey|api_key/i;

function redact(fields: Record<string, unknown> | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(fields ?? {})) out[k] = SECRET_KEY.test(k) ? "[redacted]" : v;
  return out;
}

export class FileLogger implements Logger, LogReader {
  private readonly threshold: number;

  constructor(
    readonly file: string,
    level: string = "info",
    private readonly echo: ((line: string) => void) | null = (line) => process.stderr.write(line + "\n"),
  ) {
    this.threshold = level === "silent" ? Infinity : Math.max(0, LEVELS.indexOf(level as Level));
    const dir = dirname(file);
    if (!existsSync(dir)) mkdirSync(dir, { recursive: true, mode: 0o700 });
    if (!existsSync(file)) appendFileSync(file, "", { mode: 0o600 });
    chmodSync(file, 0o600);
  }

  private write(level: Level, subsystem: string, message: string, fields?: Record<string, unknown>): void {
    if (LEVELS.indexOf(level) < this.threshold) return;
    const record = { time: new Date().toISOString(), level, subsystem, message, ...redact(fields) };
    appendFileSync(this.file, JSON.stringify(record) + "\n");
    this.echo?.(`${record.time.slice(11, 19)} ${level.padEnd(5)} [${subsystem}] ${message}`);
  }

  debug(s: string, m: string, f?: Record<string, unknown>): void { this.write("debug", s, m, f); }
  info(s: string, m: string, f?: Record<string, unknown>): void { this.write("info", s, m, f); }
  warn(s: string, m: string, f?: Record<string, unknown>): void { this.write("warn", s, m, f); }
  error(s: string, m: string, f?: Record<string, unknown>): void { this.write("error", s, m, f); }

  /**
   * Lines after byte `cursor`; without a cursor, the last `limit` lines. A
   * cursor past the end (the file was rotated) starts over with `reset`.
   */
  async tail({ cursor, limit, maxBytes }: { cursor?: number; limit: number; maxBytes: number }): Promise<LogPage> {
    const size = existsSync(this.file) ? statSync(this.file).size : 0;
    let start = cursor ?? Math.max(0, size - maxBytes);
    let reset = false;
    if (start > size) {
      start = 0;
      reset = true;
    }
    const length = Math.min(size - start, maxBytes);
    const buf = Buffer.alloc(length);
    if (length > 0) {
      const fd = openSync(this.file, "r");
      try {
        readSync(fd, buf, 0, length, start);
      } finally {
        closeSync(fd);
      }
    }
    const text = buf.toString("utf8");
    // Only whole lines; a partial last line is read again next time.
    const whole = text.lastIndexOf("\n") + 1;
    let lines = text.slice(0, whole).split("\n").filter((l) => l.length > 0);
    if (cursor === undefined && start > 0) lines = lines.slice(1);
    const truncated = lines.length > limit || start + whole < size;
    if (cursor === undefined) lines = lines.slice(-limit);
    else if (lines.length > limit) {
      lines = lines.slice(0, limit);
    }
    const consumed = cursor === undefined ? size : start + byteLength(lines) ;
    return { file: this.file, cursor: Math.min(consumed, size), size, lines, ...(truncated ? { truncated } : {}), ...(reset ? { reset } : {}) };
  }
}

function byteLength(lines: string[]): number {
  let n = 0;
  for (const l of lines) n += Buffer.byteLength(l) + 1;
  return n;
}
