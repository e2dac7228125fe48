/**
 * `config.patch` semantics (spec §6): a JSON merge patch (objects merge,
 * `null` deletes, other values replace) with upstream's array guard: a patch
 * that removes array entries or deletes an array is refused unless that exact
 * path is listed in `replacePaths`; arrays of objects with an `id` merge by id.
 * Pure. Runtime-agnostic.
 */
import { isPlainObject, jsonEqual } from "./object-path.ts";

export type MergeResult = { ok: true; value: Record<string, unknown> } | { ok: false; message: string };

const join = (path: string, key: string) => (path ? `${path}.${key}` : key);

function hasIds(arr: unknown[]): boolean {
  return arr.length > 0 && arr.every((e) => isPlainObject(e) && typeof e.id === "string");
}

/** Every array path inside a value that is about to disappear. */
function arraysWithin(value: unknown, path: string, out: string[]): void {
  if (Array.isArray(value)) {
    out.push(path);
    return;
  }
  if (isPlainObject(value)) for (const [k, v] of Object.entries(value)) arraysWithin(v, join(path, k), out);
}

/** Whether `next` drops an element that `prev` had. */
function removesEntries(prev: unknown[], next: unknown): boolean {
  if (!Array.isArray(next)) return true;
  return prev.some((p) => !next.some((n) => jsonEqual(p, n)));
}

export function applyMergePatch(base: unknown, patch: unknown, replacePaths: readonly string[] = []): MergeResult {
  if (!isPlainObject(patch)) return { ok: false, message: "config.patch raw must be an object" };
  const allowed = new Set(replacePaths);
  const blocked: string[] = [];

  const merge = (target: unknown, p: unknown, path: string): unknown => {
    if (!isPlainObject(p)) {
      if (Array.isArray(target) && !allowed.has(path)) {
        if (Array.isArray(p) && hasIds(target) && hasIds(p)) return mergeById(target, p, path);
        if (removesEntries(target, p)) blocked.push(path);
      }
      return p;
    }
    const out: Record<string, unknown> = isPlainObject(target) ? { ...target } : {};
    for (const [k, v] of Object.entries(p)) {
      const childPath = join(path, k);
      if (v === null) {
        if (Object.hasOwn(out, k)) {
          const doomed: string[] = [];
          arraysWithin(out[k], childPath, doomed);
          // Deleting a whole array needs only its own path (§6).
          for (const a of Array.isArray(out[k]) ? [childPath] : doomed) if (!allowed.has(a)) blocked.push(a);
          delete out[k];
        }
        continue;
      }
      out[k] = merge(out[k], v, childPath);
    }
    return out;
  };

  const mergeById = (target: unknown[], p: unknown[], path: string): unknown[] => {
    const out = target.map((e) => e);
    for (const entry of p as Record<string, unknown>[]) {
      const i = out.findIndex((e) => (e as Record<string, unknown>).id === entry.id);
      if (i < 0) out.push(entry);
      else out[i] = merge(out[i], entry, `${path}[]`);
    }
    return out;
  };

  const value = merge(base, patch, "") as Record<string, unknown>;
  if (blocked.length > 0) {
    return {
      ok: false,
      message: `config.patch would remove entries from array path(s): ${[...new Set(blocked)].join(", ")}. Pass replacePaths with the exact path(s) when this is intentional, or use config.apply for full-config replacement.`,
    };
  }
  return { ok: true, value };
}
