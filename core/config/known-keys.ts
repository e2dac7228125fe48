/**
 * Config keys clawgate or upstream OpenClaw knows (spec §11): a path neither
 * knows is a typo, refused with upstream's "Unrecognized key" text and the
 * nearest known key. Keys clawgate does not read but upstream does stay
 * settable. Runtime-agnostic.
 */
import { configJsonSchema } from "./json-schema.ts";
import { checkPath, nearestKey, trieOfSchema, type KeySchema, type KeyTrie } from "./key-trie.ts";
import { formatPath, type PathSegment } from "./object-path.ts";
import { UPSTREAM_KEYS, UPSTREAM_VERSION } from "./upstream-keys.ts";

let own: KeyTrie | undefined;

/** Why `segments` is not a known config path, or undefined when clawgate or upstream knows it. */
export function unknownKeyProblem(segments: readonly PathSegment[]): string | undefined {
  const mine = checkPath((own ??= trieOfSchema(configJsonSchema() as KeySchema, true)), segments);
  if (mine.known) return undefined;
  const theirs = checkPath(UPSTREAM_KEYS, segments);
  if (theirs.known) return undefined;
  // The deeper of the two known prefixes names where the typo is.
  const depth = Math.max(mine.depth, theirs.depth);
  const siblings = [...new Set([...(mine.depth === depth ? mine.siblings : []), ...(theirs.depth === depth ? theirs.siblings : [])])].filter((k) => k !== "$schema");
  const key = String(segments[depth]);
  const parent = segments.slice(0, depth);
  const near = nearestKey(key, siblings);
  const hint = near ? ` Did you mean ${formatPath([...parent, near])}?` : ` Known keys here: ${siblings.slice(0, 12).join(", ")}${siblings.length > 12 ? ", …" : ""}.`;
  return `Config validation failed: ${formatPath(parent) || "<root>"}: Unrecognized key: "${key}" (neither clawgate nor OpenClaw ${UPSTREAM_VERSION} knows it).${siblings.length ? hint : ""}`;
}
