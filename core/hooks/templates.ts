/**
 * Hook mapping templates (upstream docs/gateway/config-hooks.md "Mapping
 * details"): `{{payload.field}}` or `{{field}}`, array indexing
 * (`{{messages[0].subject}}`), `{{headers.x-event-type}}`, `{{query.kind}}`,
 * `{{path}}` and `{{now}}`. Missing and null values render empty, objects as
 * JSON. Pure functions. Runtime-agnostic.
 */

/** What a template (and a transform) can read of one hook request. */
export interface HookContext {
  payload: Record<string, unknown>;
  /** Request headers, names lower-cased. */
  headers: Record<string, string>;
  url: URL;
  /** The sub-path after `hooks.path`, without its leading slash. */
  path: string;
}

const EXPRESSION = /\{\{\s*([^}]+)\s*\}\}/g;
/** Keys a path may not walk through, so a template never reaches an object's prototype. */
export const BLOCKED_PATH_KEYS: ReadonlySet<string> = new Set(["__proto__", "prototype", "constructor"]);

/** Whether a template has any `{{...}}` expression (a templated session key is caller-derived). */
export function hasTemplateExpressions(template: string): boolean {
  return /\{\{\s*[^}]+\s*\}\}/.test(template);
}

/** The value at a dotted path with `[n]` indexes; undefined where the path leaves the data. */
export function valueAt(input: unknown, path: string): unknown {
  const parts: (string | number)[] = [];
  for (const m of path.matchAll(/([^.[\]]+)|(\[(\d+)\])/g)) parts.push(m[1] ?? Number(m[3]));
  if (parts.length === 0) return undefined;
  let current = input;
  for (const part of parts) {
    if (current === null || current === undefined) return undefined;
    if (typeof part === "number") {
      if (!Array.isArray(current)) return undefined;
      current = current[part];
      continue;
    }
    if (BLOCKED_PATH_KEYS.has(part) || typeof current !== "object") return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

function resolve(expr: string, ctx: HookContext, now: () => number): unknown {
  if (expr === "path") return ctx.path;
  if (expr === "now") return new Date(now()).toISOString();
  if (expr.startsWith("headers.")) return valueAt(ctx.headers, expr.slice(8));
  if (expr.startsWith("query.")) return valueAt(Object.fromEntries(ctx.url.searchParams.entries()), expr.slice(6));
  if (expr.startsWith("payload.")) return valueAt(ctx.payload, expr.slice(8));
  return valueAt(ctx.payload, expr);
}

/** The template with each expression replaced by what it names. */
export function renderTemplate(template: string, ctx: HookContext, now: () => number): string {
  return template.replace(EXPRESSION, (_, expr: string) => {
    const value = resolve(expr.trim(), ctx, now);
    if (value === undefined || value === null) return "";
    if (typeof value === "string") return value;
    if (typeof value === "number" || typeof value === "boolean") return String(value);
    return JSON.stringify(value);
  });
}

/** A rendered optional field: trimmed, undefined when absent or empty. */
export function renderOptional(template: string | undefined, ctx: HookContext, now: () => number): string | undefined {
  if (!template) return undefined;
  return renderTemplate(template, ctx, now).trim() || undefined;
}
