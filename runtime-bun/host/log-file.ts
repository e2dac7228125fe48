/**
 * The gateway's JSONL log (spec §11): one record per line to `logging.file`,
 * a short human line on stderr, byte-cursor reads for `logs.tail`, rotation
 * at `logging.maxFileBytes` keeping five archives, secrets masked before
 * anything is written, and floods of identical records coalesced into one
 * counted summary so the file stays bounded.
 */
import { closeSync, existsSync, fchmodSync, fstatSync, mkdirSync, openSync, readSync, renameSync, rmSync, statSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import type { LogPage, LogReader, Logger } from "../../core/runtime.ts";

const LEVELS = ["trace", "debug", "info", "warn", "error", "fatal"] as const;
type Level = (typeof LEVELS)[number];

/** upstream's default `logging.maxFileBytes` (100 MB). */
export const DEFAULT_MAX_FILE_BYTES = 104_857_600;
const ARCHIVES = 5;

/** Identical records beyond this many per window are counted, not written. */
const FLOOD_BURST = 5;
const FLOOD_WINDOW_MS = 60_000;
const FLOOD_MAX_KEYS = 1_000;

const SECRET_KEY = /token|password|passwd|secret|signature|authorization|cookie|apikey|api_key|privatekey|private_key/i;
const SECRET_PATTERNS: [RegExp, string][] = [
  [/\b(Bearer)\s+[A-Za-z0-9._~+/=-]{6,}/gi, "$1 ***"],
  [/\b(token|password|secret|api[_-]?key)(["']?\s*[=:]\s*["']?)[^\s"',;&]{4,}/gi, "$1$2***"],
];
/** Values shorter than this are not masked by value: they would mask ordinary words. */
const MIN_SECRET_LENGTH = 6;

export interface LogSettings {
  level?: string;
  file?: string;
  maxFileBytes?: number;
}

interface Flood {
  windowStart: number;
  written: number;
  suppressed: number;
  level: Level;
  subsystem: string;
  message: string;
  sample?: Record<string, unknown>;
}

function thresholdOf(level: string | undefined): number {
  if (level === "silent") return Infinity;
  const i = LEVELS.indexOf((level ?? "info") as Level);
  return i < 0 ? LEVELS.indexOf("info") : i;
}

export class FileLogger implements Logger, LogReader {
  private threshold: number;
  private maxFileBytes: number;
  private fd = -1;
  private size = 0;
  private readonly secrets = new Set<string>();
  private readonly floods = new Map<string, Flood>();
  private flushTimer?: ReturnType<typeof setInterval>;

  constructor(
    public file: string,
    level: string = "info",
    // console.error, not process.stderr: on Bun the stream costs about 9 ms to build, paid before the first
    // request is answered; "%s" keeps a "%" in the line from being read as a format.
    private readonly echo: ((line: string) => void) | null = (line) => console.error("%s", line),
    maxFileBytes: number = DEFAULT_MAX_FILE_BYTES,
    private readonly now: () => number = Date.now,
  ) {
    this.threshold = thresholdOf(level);
    this.maxFileBytes = maxFileBytes;
    this.open();
  }

  private open(): void {
    const dir = dirname(this.file);
    if (!existsSync(dir)) mkdirSync(dir, { recursive: true, mode: 0o700 });
    this.fd = openSync(this.file, "a", 0o600);
    fchmodSync(this.fd, 0o600);
    this.size = fstatSync(this.fd).size;
  }

  /** Applies hot-reloaded `logging.*`; the next record goes to the new file at the new level. */
  configure(settings: LogSettings): void {
    this.threshold = thresholdOf(settings.level);
    this.maxFileBytes = settings.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
    if (settings.file && settings.file !== this.file) {
      closeSync(this.fd);
      this.file = settings.file;
      this.open();
    }
  }

  /** Registers a secret value (gateway token, password) to mask wherever it appears. */
  addSecret(value: string | undefined): void {
    if (value && value.length >= MIN_SECRET_LENGTH) this.secrets.add(value);
  }

  private mask(text: string): string {
    let out = text;
    for (const s of this.secrets) if (out.includes(s)) out = out.split(s).join("***");
    for (const [re, repl] of SECRET_PATTERNS) out = out.replace(re, repl);
    return out;
  }

  private scrub(value: unknown, key?: string): unknown {
    if (key !== undefined && SECRET_KEY.test(key) && value !== undefined && value !== null && value !== "") return "[redacted]";
    if (typeof value === "string") return this.mask(value);
    if (Array.isArray(value)) return value.map((v) => this.scrub(v));
    if (value !== null && typeof value === "object") {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) out[k] = this.scrub(v, k);
      return out;
    }
    return value;
  }

  private append(record: Record<string, unknown>): void {
    const line = JSON.stringify(record) + "\n";
    const bytes = Buffer.byteLength(line);
    if (this.size > 0 && this.size + bytes > this.maxFileBytes) this.rotate();
    writeSync(this.fd, line);
    this.size += bytes;
  }

  /** `gateway.log` -> `.1` -> … -> `.5`; the oldest is dropped. */
  private rotate(): void {
    closeSync(this.fd);
    rmSync(`${this.file}.${ARCHIVES}`, { force: true });
    for (let i = ARCHIVES - 1; i >= 1; i--) if (existsSync(`${this.file}.${i}`)) renameSync(`${this.file}.${i}`, `${this.file}.${i + 1}`);
    renameSync(this.file, `${this.file}.1`);
    this.open();
  }

  private emit(level: Level, subsystem: string, message: string, fields: Record<string, unknown> | undefined, echo = true): void {
    const time = new Date(this.now()).toISOString();
    this.append({ time, level, subsystem, message, ...fields });
    if (echo) this.echo?.(`${time.slice(11, 19)} ${level.padEnd(5)} [${subsystem}] ${message}`);
  }

  private write(level: Level, subsystem: string, message: string, fields?: Record<string, unknown>, echo = true): void {
    if (LEVELS.indexOf(level) < this.threshold) return;
    const safeMessage = this.mask(message);
    const safeFields = this.scrub(fields ?? {}) as Record<string, unknown>;
    if (this.coalesce(level, subsystem, safeMessage, safeFields)) return;
    this.emit(level, subsystem, safeMessage, safeFields, echo);
  }

  /**
   * True when the record is one of a flood and was counted instead of written.
   * Identical means same level, subsystem and message; fields may differ.
   */
  private coalesce(level: Level, subsystem: string, message: string, fields: Record<string, unknown>): boolean {
    const key = `${level}\u0000${subsystem}\u0000${message}`;
    const now = this.now();
    let flood = this.floods.get(key);
    if (flood && now - flood.windowStart >= FLOOD_WINDOW_MS) {
      this.summarize(flood);
      this.floods.delete(key);
      flood = undefined;
    }
    if (!flood) {
      if (this.floods.size >= FLOOD_MAX_KEYS) this.flushFloods(true);
      this.floods.set(key, { windowStart: now, written: 1, suppressed: 0, level, subsystem, message });
      return false;
    }
    if (flood.written < FLOOD_BURST) {
      flood.written++;
      return false;
    }
    flood.suppressed++;
    flood.sample = fields;
    this.flushTimer ??= setInterval(() => this.flushFloods(false), FLOOD_WINDOW_MS / 4);
    this.flushTimer.unref?.();
    return true;
  }

  private summarize(flood: Flood): void {
    if (flood.suppressed === 0) return;
    this.emit(flood.level, flood.subsystem, `${flood.message} (repeated ${flood.suppressed} more times in ${Math.round((this.now() - flood.windowStart) / 1000)}s; coalesced)`, {
      coalesced: flood.suppressed,
      windowStart: new Date(flood.windowStart).toISOString(),
      ...(flood.sample ? { lastFields: flood.sample } : {}),
    });
  }

  /** Writes the summaries of finished windows (or of all, when `all`). */
  flushFloods(all: boolean): void {
    const now = this.now();
    for (const [key, flood] of this.floods) {
      if (all || now - flood.windowStart >= FLOOD_WINDOW_MS) {
        this.summarize(flood);
        this.floods.delete(key);
      }
    }
    if (this.floods.size === 0 && this.flushTimer) {
      clearInterval(this.flushTimer);
      this.flushTimer = undefined;
    }
  }

  /** Writes pending summaries and closes the file. */
  close(): void {
    this.flushFloods(true);
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }

  debug(s: string, m: string, f?: Record<string, unknown>): void { this.write("debug", s, m, f); }
  info(s: string, m: string, f?: Record<string, unknown>): void { this.write("info", s, m, f); }
  /** An info record for the file only, for what the CLI already tells the terminal in its own line. */
  fileInfo(s: string, m: string, f?: Record<string, unknown>): void { this.write("info", s, m, f, false); }
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
    else if (lines.length > limit) lines = lines.slice(0, limit);
    const consumed = cursor === undefined ? size : start + byteLength(lines);
    return { file: this.file, cursor: Math.min(consumed, size), size, lines, truncated, reset };
  }
}

function byteLength(lines: string[]): number {
  let n = 0;
  for (const l of lines) n += Buffer.byteLength(l) + 1;
  return n;
}
