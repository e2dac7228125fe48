/**
 * Which config changes hot-apply and which need a restart (spec §11 hot
 * reload): the longest matching prefix decides; listener and auth-mode keys
 * restart, credentials and policies apply live, and keys clawgate does not
 * read need nothing. Runtime-agnostic.
 */

export type ReloadKind = "restart" | "hot" | "none";

/** Prefix rules in upstream's classification, narrowed to what clawgate reads. */
const RULES: Readonly<Record<string, ReloadKind>> = {
  gateway: "restart",
  "gateway.auth.token": "hot",
  "gateway.auth.password": "hot",
  "gateway.auth.rateLimit": "hot",
  "gateway.auth.trustedProxy": "hot",
  "gateway.trustedProxies": "hot",
  "gateway.controlUi.allowedOrigins": "hot",
  "gateway.controlUi.enabled": "hot",
  "gateway.nodes": "hot",
  "gateway.http.endpoints": "hot",
  "gateway.tools": "hot",
  "gateway.reload": "hot",
  "gateway.remote": "none",
  agents: "hot",
  models: "hot",
  cron: "hot",
  hooks: "hot",
  session: "hot",
  messages: "hot",
  tools: "hot",
  skills: "hot",
  channels: "hot",
  plugins: "hot",
  "discovery.mdns.mode": "hot",
  discovery: "restart",
  logging: "none",
  env: "none",
  meta: "none",
  $schema: "none",
  ui: "none",
  identity: "none",
  wizard: "none",
};

/** Normalizes `a[0].b` and `a["x"].b` to plain dot segments for prefix matching. */
function segments(path: string): string[] {
  return path.replace(/\[(\d+|"[^"]*"|'[^']*')\]/g, (_m, inner: string) => `.${inner.replace(/^["']|["']$/g, "")}`).split(".").filter(Boolean);
}

/** The reload kind of one changed path; `ignored` paths (not read by clawgate) need nothing. */
export function reloadKindOf(path: string, ignored: ReadonlySet<string> = new Set()): ReloadKind {
  if (ignored.has(path)) return "none";
  const parts = segments(path);
  for (let n = parts.length; n > 0; n--) {
    const rule = RULES[parts.slice(0, n).join(".")];
    if (rule) return rule;
  }
  return "restart";
}

export interface ReloadPlan {
  restart: string[];
  hot: string[];
  none: string[];
}

/** Sorts changed paths by what applying them takes. */
export function planReload(changed: readonly string[], ignored: ReadonlySet<string> = new Set()): ReloadPlan {
  const plan: ReloadPlan = { restart: [], hot: [], none: [] };
  for (const p of changed) plan[reloadKindOf(p, ignoredPrefix(p, ignored) ? new Set([p]) : new Set())].push(p);
  return plan;
}

/** A change under an ignored key (or one that is itself ignored) needs nothing. */
function ignoredPrefix(path: string, ignored: ReadonlySet<string>): boolean {
  for (const i of ignored) if (path === i || path.startsWith(`${i}.`) || path.startsWith(`${i}[`)) return true;
  return false;
}

/** The one-line hint the CLI prints after a write (upstream's three texts). */
export function applyHint(plan: ReloadPlan, mode: "hybrid" | "off"): string {
  if (plan.restart.length > 0 || (mode === "off" && plan.hot.length > 0)) return "Restart the gateway to apply.";
  if (plan.hot.length > 0) return "Change will apply without restarting the gateway.";
  return "No gateway restart needed.";
}
