/**
 * Keys in a config that clawgate's schema does not name. Unlike upstream,
 * which refuses them, clawgate keeps them on write and reports them once as
 * ignored, so a real OpenClaw config loads unchanged (spec §11, issue 4).
 * Runtime-agnostic.
 */
import type { z } from "../zod.ts";
import { formatPath, isPlainObject, type PathSegment } from "./object-path.ts";

type AnySchema = z.ZodMiniType;
interface Def {
  type: string;
  innerType?: AnySchema;
  in?: AnySchema;
  getter?: () => AnySchema;
  shape?: Record<string, AnySchema>;
  element?: AnySchema;
  valueType?: AnySchema;
  options?: AnySchema[];
}

const def = (s: AnySchema): Def => (s as unknown as { def: Def }).def;

/** Strips wrappers that do not change which keys an object knows. */
function unwrap(schema: AnySchema): AnySchema {
  let s = schema;
  for (;;) {
    const d = def(s);
    if (d.innerType) s = d.innerType;
    else if (d.type === "pipe" && d.in) s = d.in;
    else if (d.type === "lazy" && d.getter) s = d.getter();
    else return s;
  }
}

/** Dot paths of every key the schema does not describe, in document order. */
export function unknownKeys(schema: AnySchema, value: unknown): string[] {
  const out: string[] = [];
  const walk = (s: AnySchema, v: unknown, path: PathSegment[]) => {
    const inner = unwrap(s);
    const d = def(inner);
    if (d.type === "object" && d.shape && isPlainObject(v)) {
      for (const [k, item] of Object.entries(v)) {
        const known = d.shape[k];
        if (known) walk(known, item, [...path, k]);
        else out.push(formatPath([...path, k]));
      }
    } else if (d.type === "array" && d.element && Array.isArray(v)) {
      v.forEach((item, i) => walk(d.element!, item, [...path, i]));
    } else if (d.type === "record" && d.valueType && isPlainObject(v)) {
      for (const [k, item] of Object.entries(v)) walk(d.valueType, item, [...path, k]);
    } else if (d.type === "union" && d.options) {
      const match = d.options.find((o) => o.safeParse(v).success);
      if (match) walk(match, v, path);
    }
  };
  walk(schema, value, []);
  return out;
}
