/**
 * Splits a reply into messages a channel accepts: at most `limit` characters
 * each, broken at a paragraph, then a line, then a word boundary when one
 * lies in the second half of the window, and never inside a surrogate pair.
 * Runtime-agnostic.
 */

/** The chunks of `text`, each 1..limit characters; empty text gives none. */
export function chunkText(text: string, limit: number): string[] {
  const out: string[] = [];
  let rest = text.trim();
  while (rest.length > limit) {
    const window = rest.slice(0, limit);
    let cut = -1;
    for (const sep of ["\n\n", "\n", " "]) {
      const at = window.lastIndexOf(sep);
      if (at >= limit / 2) {
        cut = at;
        break;
      }
    }
    if (cut < 0) {
      cut = limit;
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
