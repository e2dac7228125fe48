/**
 * Which config key paths a schema knows, as a trie small enough to ship:
 * `config set` refuses a path neither clawgate nor upstream knows (a typo
 * such as `gateway.bnd`) and suggests the nearest known key. Runtime-agnostic.
 */
import type { PathSegment } from "./object-path.ts";

/** A value: nothing below it is a key. */
export const LEAF = 0;
/** Free-form: any path below is accepted. */
export const ANY = 1;
/** Children by key; `*` stands for any map key, `[]` for array items. */
export type KeyTrie = typeof LEAF | typeof ANY | { [key: string]: KeyTrie };

/** The subset of JSON schema that decides which keys exist. */
export interface KeySchema {
  type?: string | string[];
  properties?: Record<string, KeySchema>;
  additionalProperties?: boolean | KeySchema;
  items?: KeySchema | KeySchema[];
  anyOf?: KeySchema[];
  oneOf?: KeySchema[];
  allOf?: KeySchema[];
  const?: unknown;
  enum?: unknown[];
}

const SHAPING = ["type", "properties", "additionalProperties", "items", "anyOf", "oneOf", "allOf", "const", "enum"] as const;

/** Merges two tries: free-form absorbs everything, a value yields to a branch. */
export function mergeTries(a: KeyTrie, b: KeyTrie): KeyTrie {
  if (a === ANY || b === ANY) return ANY;
  if (a === LEAF) return b;
  if (b === LEAF) return a;
  const out: Record<string, KeyTrie> = { ...a };
  for (const [k, v] of Object.entries(b)) out[k] = k in out ? mergeTries(out[k]!, v) : v;
  return out;
}

/**
 * The key trie of a JSON schema (union branches merged). `closeLoose` drops the
 * catch-all of objects that also declare keys: clawgate's own schema keeps unknown
 * keys only to preserve them, which is not knowing them.
 */
export function trieOfSchema(s: KeySchema, closeLoose = false): KeyTrie {
  // The empty schema accepts anything.
  if (!SHAPING.some((k) => s[k] !== undefined)) return ANY;
  let out: KeyTrie = LEAF;
  for (const branch of [...(s.anyOf ?? []), ...(s.oneOf ?? []), ...(s.allOf ?? [])]) out = mergeTries(out, trieOfSchema(branch, closeLoose));
  const types = Array.isArray(s.type) ? s.type : s.type ? [s.type] : [];
  if (types.includes("object") || s.properties !== undefined || s.additionalProperties !== undefined) {
    const extra = closeLoose && s.properties !== undefined ? false : s.additionalProperties;
    // Upstream refuses keys its objects do not declare; only `true` or an object without declared keys is free-form.
    if (extra === true || (extra === undefined && s.properties === undefined)) return ANY;
    const node: Record<string, KeyTrie> = {};
    for (const [k, v] of Object.entries(s.properties ?? {})) node[k] = trieOfSchema(v, closeLoose);
    if (extra && typeof extra === "object") node["*"] = trieOfSchema(extra, closeLoose);
    out = mergeTries(out, node);
  }
  if (types.includes("array") || s.items !== undefined) {
    const items = Array.isArray(s.items) ? s.items : s.items ? [s.items] : [];
    out = mergeTries(out, { "[]": items.length ? items.map((i) => trieOfSchema(i, closeLoose)).reduce(mergeTries) : ANY });
  }
  return out;
}

/** Whether a path is known; when not, the depth of the first unknown segment and the keys known there. */
export type PathCheck = { known: true } | { known: false; depth: number; siblings: string[] };

/** Looks a path up in a trie. */
export function checkPath(trie: KeyTrie, segments: readonly PathSegment[]): PathCheck {
  let node = trie;
  for (let i = 0; i < segments.length; i++) {
    if (node === ANY) return { known: true };
    if (node === LEAF) return { known: false, depth: i, siblings: [] };
    const seg = segments[i]!;
    const index = typeof seg === "number" || /^\d+$/.test(seg);
    const next: KeyTrie | undefined = (index ? node["[]"] : undefined) ?? (Object.hasOwn(node, seg) ? node[String(seg)] : undefined) ?? node["*"];
    if (next === undefined) return { known: false, depth: i, siblings: Object.keys(node).filter((k) => k !== "*" && k !== "[]") };
    node = next;
  }
  return { known: true };
}

/** Edit distance, for did-you-mean. */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = row[j]!;
      row[j] = Math.min(up + 1, row[j - 1]! + 1, diag + (a[i - 1]!.toLowerCase() === b[j - 1]!.toLowerCase() ? 0 : 1));
      diag = up;
    }
  }
  return row[b.length]!;
}

/** The nearest of `candidates` to `key` (a third of its length in edits at most), or undefined. */
export function nearestKey(key: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Math.max(1, Math.floor(key.length / 3)) + 1;
  for (const c of candidates) {
    const d = distance(key, c);
    if (d < bestD) {
      best = c;
      bestD = d;
    }
  }
  return best;
}
