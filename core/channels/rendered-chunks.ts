/**
 * Keeps every chunk within the limit once rendered for its service, as upstream does
 * (`renderMarkdownIRChunksWithinLimit`, measured on Telegram's HTML): a chunk cut by ./chunk.ts whose rendered form
 * is longer than the limit (escapes such as `&amp;` and `&lt;`, tags) is cut again, by the same boundary rules, at
 * the longest prefix whose rendering fits, until every piece fits. Runtime-agnostic, pure.
 */
import { chunkText, type ChunkOptions } from "./chunk.ts";

/** How long a chunk is once rendered for the service (Telegram: the HTML it is sent as). */
export type RenderedLength = (chunk: string) => number;

/** The longest prefix length of `chunk` whose rendering fits `limit` (0: not even one character), never inside a surrogate pair. */
function longestFittingPrefix(chunk: string, limit: number, renderedLength: RenderedLength): number {
  // Rendering only grows as text is added, so the lengths that fit form a prefix of 1..chunk.length.
  let fits = 0;
  let over = chunk.length;
  while (over - fits > 1) {
    const mid = (fits + over) >> 1;
    if (renderedLength(chunk.slice(0, mid)) <= limit) fits = mid;
    else over = mid;
  }
  const code = chunk.charCodeAt(fits - 1);
  return code >= 0xd800 && code <= 0xdbff && fits > 1 ? fits - 1 : fits;
}

/** `chunk` in pieces whose first renders within `limit`: cut at boundaries where one fits, else hard at the longest fitting prefix. */
function recut(chunk: string, options: ChunkOptions, renderedLength: RenderedLength): string[] | undefined {
  const fits = longestFittingPrefix(chunk, options.limit, renderedLength);
  if (fits === 0) return undefined;
  // A cut inside a fence closes and reopens it, which renders a little longer: shrink by the overshoot and cut again.
  for (let cut = fits; cut > 0; ) {
    const pieces = chunkText(chunk, { ...options, limit: cut });
    const overshoot = renderedLength(pieces[0]!) - options.limit;
    if (overshoot <= 0) return pieces;
    cut -= overshoot;
  }
  return [chunk.slice(0, fits), chunk.slice(fits)];
}

/** `text` as ./chunk.ts cuts it, with every chunk whose rendering is over `options.limit` cut again until it fits. */
export function chunkWithinRendered(text: string, options: ChunkOptions, renderedLength: RenderedLength): string[] {
  const pending = chunkText(text, options).reverse();
  const out: string[] = [];
  while (pending.length > 0) {
    const chunk = pending.pop()!;
    const pieces = renderedLength(chunk) > options.limit ? recut(chunk, options, renderedLength) : undefined;
    if (pieces) pending.push(...pieces.reverse());
    else out.push(chunk);
  }
  return out;
}
