/**
 * The environment a gateway or CLI run sees (spec §11): the process env,
 * then `./.env`, then `<stateDir>/.env`, then config `env.vars`, each layer
 * filling only keys still missing; and `${VAR}` substitution in config
 * strings. Pure. Runtime-agnostic.
 */
import type { Env } from "./paths.ts";

/** Parses dotenv text: `KEY=value`, `export KEY=value`, quotes, `#` comments. */
export function parseDotenv(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.trim();
    if (!line || line.startsWith("#")) continue;
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*(.*)$/.exec(line);
    if (!m) continue;
    let value = m[2]!;
    const quote = value[0];
    if ((quote === '"' || quote === "'") && value.lastIndexOf(quote) > 0) {
      value = value.slice(1, value.lastIndexOf(quote));
      if (quote === '"') value = value.replace(/\\n/g, "\n").replace(/\\"/g, '"');
    } else {
      value = value.replace(/\s+#.*$/, "").trim();
    }
    out[m[1]!] = value;
  }
  return out;
}

/** Host switches a dotenv file or config block must not flip (upstream ignores them there). */
const HOST_ONLY = new Set(["OPENCLAW_CONFIG_READONLY", "OPENCLAW_NIX_MODE", "OPENCLAW_STATE_DIR", "OPENCLAW_CONFIG_PATH", "OPENCLAW_HOME", "OPENCLAW_PROFILE"]);

/**
 * Layers lower-precedence sources under the process env: a key is taken from
 * the first layer that has it, and never overrides one already set (§11).
 */
export function layerEnv(base: Env, layers: readonly Readonly<Record<string, string>>[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(base)) if (v !== undefined) out[k] = v;
  for (const layer of layers) {
    for (const [k, v] of Object.entries(layer)) {
      if (HOST_ONLY.has(k.toUpperCase())) continue;
      if (out[k] === undefined || out[k] === "") out[k] = v;
    }
  }
  return out;
}

const VAR = /\$(\$?)\{([A-Z_][A-Z0-9_]*)\}/g;

/** One `${VAR}` that could not be resolved, for a warning. */
export interface UnresolvedVar {
  path: string;
  name: string;
}

/**
 * Replaces `${VAR}` in every string of a JSON value. Missing or empty vars stay
 * visibly unresolved and are reported; `$${VAR}` yields a literal `${VAR}` (§11).
 */
export function substituteEnv<T>(value: T, env: Env): { value: T; unresolved: UnresolvedVar[] } {
  const unresolved: UnresolvedVar[] = [];
  const walk = (v: unknown, path: string): unknown => {
    if (typeof v === "string") {
      return v.replace(VAR, (whole, escaped: string, name: string) => {
        if (escaped) return whole.slice(1);
        const found = env[name];
        if (found === undefined || found === "") {
          unresolved.push({ path, name });
          return whole;
        }
        return found;
      });
    }
    if (Array.isArray(v)) return v.map((item, i) => walk(item, `${path}[${i}]`));
    if (v !== null && typeof v === "object") {
      const out: Record<string, unknown> = {};
      for (const [k, item] of Object.entries(v)) out[k] = walk(item, path ? `${path}.${k}` : k);
      return out;
    }
    return v;
  };
  return { value: walk(value, "") as T, unresolved };
}
