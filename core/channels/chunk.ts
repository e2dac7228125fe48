/**
 * Splits a reply into messages a channel accepts: at most `limit` characters
 * (and, where the channel caps them, `maxLines` lines: Discord's
 * `maxLinesPerMessage`) each, broken at a paragraph, then a line, then a word
 * boundary when one lies in the second half of the window, and never inside a
 * surrogate pair. Runtime-agnostic.
 */

/** Where the `maxLines`-th line of `text` ends, or -1 when it has no more lines than that. */
function lineLimitEnd(text: string, maxLines: number): number {
  let at = -1;
  for (let line = 0; line < maxLines; line++) {
    at = text.indexOf("\n", at + 1);
    if (at < 0) return -1;
  }
  return at;
}

/** The chunks of `text`, each 1..limit characters and 1..maxLines lines; empty text gives none. */
export function chunkText(text: string, limit: number, maxLines = Infinity): string[] {
  const out: string[] = [];
  let rest = text.trim();
  for (;;) {
    const lineEnd = Number.isFinite(maxLines) ? lineLimitEnd(rest, maxLines) : -1;
    if (rest.length <= limit && lineEnd < 0) break;
    // Too many lines within the character limit: the window ends at the last line that fits.
    const size = lineEnd >= 0 && lineEnd <= limit ? lineEnd + 1 : limit;
    const window = rest.slice(0, size);
    let cut = -1;
    for (const sep of ["\n\n", "\n", " "]) {
      const at = window.lastIndexOf(sep);
      if (at >= size / 2) {
        cut = at;
        break;
      }
    }
    if (cut < 0) {
      cut = size;
      // Keep a surrogate pair whole.
      const code = rest.charCodeAt(cut - 1);
      if (code >= 0xd800 && code <= 0xdbff) cut--;
    }
    out.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).trimStart();
  }
  if (rest) out.push(rest);
  return out;
}
