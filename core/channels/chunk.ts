/**
 * Splits a reply into messages a channel accepts, by upstream's rules for markdown replies
 * (src/auto-reply/chunk.ts): at most `limit` characters (and `maxLines` lines where the channel caps them:
 * Discord's `maxLinesPerMessage`) each; broken at a paragraph, then a line, then a sentence, then a word boundary
 * in the second half of the window, else at the last boundary there is, else hard (never inside a surrogate pair).
 * A fenced code block is never broken outside a line of its own: a cut inside one closes the fence at the end of
 * the chunk and reopens it, with its info string (the language tag), at the start of the next, so every message
 * renders as code. `mode: "newline"` (upstream's `streaming.chunkMode`) keeps paragraphs (blank-line separated,
 * outside fences) whole, packing them while they fit, and length-splits only a paragraph too long on its own.
 * Runtime-agnostic.
 */

/** Upstream's `streaming.chunkMode`: `length` fills each message, `newline` breaks between paragraphs. */
export type ChunkMode = "length" | "newline";

export interface ChunkOptions {
  /** Characters per message. */
  limit: number;
  /** Lines per message, where the channel caps them. */
  maxLines?: number;
  mode?: ChunkMode;
}

/** A fenced code block: `text.slice(start, end)`, from its opening line to the end of its closing one (or of the text). */
interface Fence {
  start: number;
  end: number;
  /** The opening line as written (indent, marker, info string): what a continuation reopens with. */
  openLine: string;
  /** The line that closes it: indent and marker. */
  close: string;
}

/** A fence line (CommonMark): up to 3 spaces, then 3+ backticks or tildes, then the info string. */
const FENCE_LINE = /(?:^|\n)( {0,3})(`{3,}|~{3,})([^\n]*)/g;

/** The fenced blocks of `text`, in order; one left open runs to the end. */
function fencesOf(text: string): Fence[] {
  const out: Fence[] = [];
  let open: { start: number; marker: string; openLine: string; close: string } | undefined;
  for (const m of text.matchAll(FENCE_LINE)) {
    const [whole, indent, marker, info] = m as unknown as [string, string, string, string];
    const start = m.index + (whole.startsWith("\n") ? 1 : 0);
    if (!open) open = { start, marker, openLine: `${indent}${marker}${info}`.replace(/\r$/, ""), close: `${indent}${marker}` };
    // Closed by the same character, at least as many of it, and nothing but blanks after.
    else if (marker[0] === open.marker[0] && marker.length >= open.marker.length && /^[ \t\r]*$/.test(info)) {
      out.push({ start: open.start, end: m.index + whole.length, openLine: open.openLine, close: open.close });
      open = undefined;
    }
  }
  if (open) out.push({ start: open.start, end: text.length, openLine: open.openLine, close: open.close });
  return out;
}

/** The fence `i` lies strictly inside (a cut there would split it). */
function fenceAt(fences: readonly Fence[], i: number): Fence | undefined {
  return fences.find((f) => f.start < i && i < f.end);
}

function lineCount(text: string): number {
  let n = 1;
  for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) n++;
  return n;
}

/** Where the `n`-th newline at or after `from` (and before `to`) is, or -1. */
function nthNewline(text: string, from: number, to: number, n: number): number {
  let at = from - 1;
  for (let k = 0; k < n; k++) {
    at = text.indexOf("\n", at + 1);
    if (at < 0 || at >= to) return -1;
  }
  return at;
}

const isBlank = (c: string | undefined) => c === " " || c === "\t" || c === "\n" || c === "\r";

/** Boundary kinds, most preferred first. */
const PREFERENCE = ["paragraph", "line", "fenceLine", "sentence", "word"] as const;
type Boundary = (typeof PREFERENCE)[number];

/** A place to end a chunk: content up to `at`; `fence` when the chunk must close that fence there. */
interface Break {
  at: number;
  fence?: Fence;
}

/** State of one chunk being cut. */
interface Window {
  start: number;
  /** Content may run up to here (exclusive). */
  end: number;
  /** The fence this chunk reopens, if it continues one. */
  reopen?: Fence;
}

class Chunker {
  private readonly fences: Fence[];
  constructor(
    private readonly text: string,
    private readonly limit: number,
    private readonly maxLines: number,
  ) {
    this.fences = fencesOf(text);
  }

  /** Whether a fence can be closed and reopened within this channel's limits; else it is cut like text. */
  private splittable(f: Fence): boolean {
    return f.openLine.length + f.close.length + 3 <= this.limit && this.maxLines >= 4;
  }

  private prefix(reopen: Fence | undefined): string {
    return reopen ? `${reopen.openLine}\n` : "";
  }

  /** Whether content [start, i) plus a closing line still fits one message. */
  private closeFits(w: Window, i: number, f: Fence): boolean {
    const prefix = this.prefix(w.reopen);
    return prefix.length + (i - w.start) + 1 + f.close.length <= this.limit && lineCount(prefix + this.text.slice(w.start, i)) + 1 <= this.maxLines;
  }

  /** The preferred boundary in the window (see PREFERENCE), else the last of any kind, else a hard cut. */
  private pick(w: Window): Break {
    const { text } = this;
    const half = w.start + (w.end - w.start) / 2;
    const latest = new Map<Boundary, Break>();
    // A boundary at `end` itself still fits: the chunk is [start, end).
    for (let i = Math.min(w.end, text.length - 1); i > w.start; i--) {
      const c = text[i]!;
      const fence = fenceAt(this.fences, i);
      if (fence) {
        // A newline inside the block, past its opening line: close here, reopen in the next chunk.
        if (c === "\n" && i > fence.start + fence.openLine.length && this.splittable(fence) && !latest.has("fenceLine") && this.closeFits(w, i, fence)) latest.set("fenceLine", { at: i, fence });
        continue;
      }
      if (c === "\n") {
        if (text[i - 1] === "\n" && i - 1 > w.start && !latest.has("paragraph")) latest.set("paragraph", { at: i - 1 });
        if (!latest.has("line")) latest.set("line", { at: i });
      } else if (c === " " || c === "\t") {
        if (".!?".includes(text[i - 1]!) && !latest.has("sentence")) latest.set("sentence", { at: i });
        if (!latest.has("word")) latest.set("word", { at: i });
      }
      if (latest.size === PREFERENCE.length) break;
    }
    for (const kind of PREFERENCE) {
      const b = latest.get(kind);
      if (b && b.at >= half) return b;
    }
    const last = [...latest.values()].sort((a, b) => b.at - a.at)[0];
    return last ?? this.hardCut(w);
  }

  /** No boundary: cut at the window's end, inside a fence early enough to close it, never inside a surrogate pair. */
  private hardCut(w: Window): Break {
    const fence = fenceAt(this.fences, w.end);
    if (!fence || !this.splittable(fence)) return { at: keepPair(this.text, w.start, w.end) };
    const at = Math.min(w.end, w.start + this.limit - this.prefix(w.reopen).length - fence.close.length - 1);
    // Inside the opening line itself: end the chunk before the fence instead.
    if (at <= fence.start + fence.openLine.length) return { at: fence.start > w.start ? fence.start : keepPair(this.text, w.start, w.end) };
    return { at: keepPair(this.text, w.start, at), fence };
  }

  /** The chunks of [from, to). */
  run(from: number, to: number): string[] {
    const { text } = this;
    const out: string[] = [];
    let start = from;
    let reopen: Fence | undefined;
    while (start < to) {
      const prefix = this.prefix(reopen);
      const budget = this.limit - prefix.length;
      const lineEnd = Number.isFinite(this.maxLines) ? nthNewline(text, start, to, this.maxLines - (reopen ? 1 : 0)) : -1;
      if (to - start <= budget && lineEnd < 0) {
        out.push(prefix + text.slice(start, to));
        break;
      }
      const end = Math.min(to, start + budget, lineEnd >= 0 ? lineEnd : Infinity);
      const b = this.pick({ start, end, reopen });
      if (b.fence) {
        out.push(`${prefix}${text.slice(start, b.at)}\n${b.fence.close}`);
        // Code keeps its indentation: only the newline the closing line replaced is dropped.
        start = text[b.at] === "\n" ? b.at + 1 : b.at;
        reopen = b.fence;
        continue;
      }
      const chunk = `${prefix}${text.slice(start, b.at)}`.trimEnd();
      if (chunk) out.push(chunk);
      start = b.at;
      while (start < to && isBlank(text[start])) start++;
      reopen = undefined;
    }
    return out;
  }

  /** `newline` mode: paragraphs packed while they fit, a paragraph too long on its own cut by length. */
  paragraphs(from: number, to: number): string[] {
    const { text } = this;
    const spans: [number, number][] = [];
    let start = from;
    for (const m of text.slice(from, to).matchAll(/\n[\t ]*\n+/g)) {
      const at = from + m.index;
      if (fenceAt(this.fences, at)) continue;
      spans.push([start, at]);
      start = at + m[0].length;
    }
    spans.push([start, to]);
    const fits = (a: number, b: number) => b - a <= this.limit && lineCount(text.slice(a, b)) <= this.maxLines;
    const out: string[] = [];
    let pack: [number, number] | undefined;
    for (const [a, b] of spans) {
      if (pack && fits(pack[0], b)) {
        pack[1] = b;
        continue;
      }
      if (pack) out.push(...this.run(pack[0], pack[1]));
      pack = [a, b];
    }
    if (pack) out.push(...this.run(pack[0], pack[1]));
    return out;
  }
}

/** Steps back from between the halves of a surrogate pair, unless that would leave the chunk empty. */
function keepPair(text: string, start: number, at: number): number {
  const code = text.charCodeAt(at - 1);
  return code >= 0xd800 && code <= 0xdbff && at - 1 > start ? at - 1 : at;
}

/** The messages `text` is sent as: each 1..limit characters and 1..maxLines lines; empty text gives none. */
export function chunkText(text: string, options: ChunkOptions): string[] {
  const trimmed = text.trim();
  if (!trimmed) return [];
  const chunker = new Chunker(trimmed, options.limit, options.maxLines ?? Infinity);
  return options.mode === "newline" ? chunker.paragraphs(0, trimmed.length) : chunker.run(0, trimmed.length);
}

type StreamingSection = { streaming?: unknown };

function modeIn(section: StreamingSection): ChunkMode | undefined {
  const mode = (section.streaming as { chunkMode?: unknown } | undefined)?.chunkMode;
  return mode === "length" || mode === "newline" ? mode : undefined;
}

/** An account's `streaming.chunkMode` over its channel root's, as upstream resolves it; `length` by default. */
export function chunkModeOf(own: StreamingSection, root: StreamingSection): ChunkMode {
  return modeIn(own) ?? modeIn(root) ?? "length";
}
