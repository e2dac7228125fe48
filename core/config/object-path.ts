/**
 * Config paths in OpenClaw's dot/bracket notation (`gateway.auth.token`,
 * `agents.list[0].id`, `models.providers["a.b"].baseUrl`) and reads and
 * edits of plain JSON values by path. Runtime-agnostic.
 */

export type PathSegment = string | number;

/** Splits a path into segments; throws on malformed input. */
export function parsePath(path: string): PathSegment[] {
  const out: PathSegment[] = [];
  let i = 0;
  const fail = (why: string) => {
    throw new Error(`invalid config path "${path}": ${why}`);
  };
  if (!path.trim()) fail("empty");
  while (i < path.length) {
    if (path[i] === "[") {
      const close = path.indexOf("]", i);
      if (close < 0) fail("unclosed [");
      const inner = path.slice(i + 1, close).trim();
      if (/^\d+$/.test(inner)) out.push(Number(inner));
      else if (/^(".*"|'.*')$/.test(inner)) out.push(inner.slice(1, -1));
      else fail(`bad index [${inner}]`);
      i = close + 1;
      if (path[i] === ".") i++;
      continue;
    }
    let j = i;
    while (j < path.length && path[j] !== "." && path[j] !== "[") j++;
    const key = path.slice(i, j);
    if (!key) fail("empty segment");
    out.push(key);
    i = path[j] === "." ? j + 1 : j;
    if (path[j] === "." && i >= path.length) fail("trailing dot");
  }
  return out;
}

/** Joins segments back into dot/bracket notation. */
export function formatPath(segments: readonly PathSegment[]): string {
  let out = "";
  for (const s of segments) {
    if (typeof s === "number") out += `[${s}]`;
    else if (/^[A-Za-z0-9_$-]+$/.test(s)) out += out ? `.${s}` : s;
    else out += `[${JSON.stringify(s)}]`;
  }
  return out;
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

/** The value at a path, or `undefined` when any step is missing. */
export function getAt(root: unknown, segments: readonly PathSegment[]): unknown {
  let cur = root;
  for (const s of segments) {
    if (typeof s === "number" ? !Array.isArray(cur) : !isPlainObject(cur)) return undefined;
    cur = (cur as Record<string | number, unknown>)[s];
  }
  return cur;
}

/** Whether the path names an authored value (present, even if null/false/0). */
export function hasAt(root: unknown, segments: readonly PathSegment[]): boolean {
  if (segments.length === 0) return true;
  const parent = getAt(root, segments.slice(0, -1));
  const last = segments.at(-1)!;
  if (typeof last === "number") return Array.isArray(parent) && last < parent.length;
  return isPlainObject(parent) && Object.hasOwn(parent, last);
}

/** A copy of `root` with `value` at the path, creating objects on the way. */
export function setAt(root: unknown, segments: readonly PathSegment[], value: unknown): unknown {
  if (segments.length === 0) return value;
  const [head, ...rest] = segments;
  if (typeof head === "number") {
    const arr = Array.isArray(root) ? [...root] : [];
    if (head > arr.length) throw new Error(`index ${head} is past the end of the array (length ${arr.length})`);
    arr[head] = setAt(arr[head], rest, value);
    return arr;
  }
  const obj = isPlainObject(root) ? { ...root } : {};
  obj[head!] = setAt(obj[head!], rest, value);
  return obj;
}

/** A copy of `root` without the path; parents left empty are kept. */
export function unsetAt(root: unknown, segments: readonly PathSegment[]): unknown {
  if (segments.length === 0) return undefined;
  const [head, ...rest] = segments;
  if (typeof head === "number") {
    if (!Array.isArray(root)) return root;
    const arr = [...root];
    if (rest.length === 0) arr.splice(head, 1);
    else arr[head] = unsetAt(arr[head], rest);
    return arr;
  }
  if (!isPlainObject(root)) return root;
  const obj = { ...root };
  if (rest.length === 0) delete obj[head!];
  else if (Object.hasOwn(obj, head!)) obj[head!] = unsetAt(obj[head!], rest);
  return obj;
}

/** Deep equality of JSON values. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => jsonEqual(x, b[i]));
  if (isPlainObject(a) && isPlainObject(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => Object.hasOwn(b, k) && jsonEqual(a[k], b[k]));
  }
  return false;
}

/**
 * Paths whose values differ: descends while both sides are objects, so adding
 * `logging` reports `logging` and editing one key reports that key. With
 * `leaves`, it also descends into objects that exist on one side only, so a
 * new `gateway.auth` block reports `gateway.auth.token` (for reload planning).
 */
export function changedPaths(before: unknown, after: unknown, opts: { leaves?: boolean } = {}, prefix: PathSegment[] = []): string[] {
  const both = isPlainObject(before) && isPlainObject(after);
  const either = opts.leaves && (isPlainObject(before) || isPlainObject(after)) && (before === undefined || after === undefined || both);
  if (both || either) {
    const a = isPlainObject(before) ? before : {};
    const b = isPlainObject(after) ? after : {};
    const out: string[] = [];
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) out.push(...changedPaths(a[k], b[k], opts, [...prefix, k]));
    return out;
  }
  return jsonEqual(before, after) ? [] : [formatPath(prefix)];
}
