/**
 * Secrets in config as readers see them (spec §6 `config.get`): every value
 * under a secret-bearing key becomes upstream's sentinel, and a write that
 * sends the sentinel back keeps the stored secret. Runtime-agnostic.
 */
import { isPlainObject } from "./object-path.ts";

/** What upstream puts in place of a secret. */
export const REDACTED = "__OPENCLAW_REDACTED__";

/** Keys whose string values are credentials (`token`, `remoteToken`, `apiKey`, `Authorization`…). */
const SECRET_KEY = /(token|password|passwd|secret|apikey|api_key|privatekey|private_key|credentials?|authorization|cookie)$/i;

/** Whether a key names a credential. */
export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key);
}

/** A copy with every secret string replaced by the sentinel. */
export function redactConfig<T>(value: T): T {
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (!isPlainObject(v)) return v;
    const out: Record<string, unknown> = {};
    for (const [k, item] of Object.entries(v)) out[k] = typeof item === "string" && item !== "" && isSecretKey(k) ? REDACTED : walk(item);
    return out;
  };
  return walk(value) as T;
}

/** Whether any secret was redacted (the raw text must then be re-serialized). */
export function hasSecrets(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(hasSecrets);
  if (!isPlainObject(value)) return false;
  return Object.entries(value).some(([k, v]) => (typeof v === "string" && v !== "" && isSecretKey(k)) || hasSecrets(v));
}

/**
 * Puts stored secrets back where a write carries the sentinel. A sentinel with
 * no stored value at the same path is an error: it would persist the sentinel.
 */
export function restoreRedacted(next: unknown, current: unknown, path = ""): unknown {
  if (next === REDACTED) {
    if (typeof current === "string") return current;
    throw new Error(`${path || "<root>"}: redacted placeholder has no stored value to restore; send the real value`);
  }
  if (Array.isArray(next)) return next.map((item, i) => restoreRedacted(item, Array.isArray(current) ? current[i] : undefined, `${path}[${i}]`));
  if (!isPlainObject(next)) return next;
  const out: Record<string, unknown> = {};
  const cur = isPlainObject(current) ? current : {};
  for (const [k, v] of Object.entries(next)) out[k] = restoreRedacted(v, cur[k], path ? `${path}.${k}` : k);
  return out;
}
