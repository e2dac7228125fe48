/**
 * `config.schema` and `config.schema.lookup` (spec §6): the zod schema as
 * JSON Schema, field docs from one hint table, and path-scoped drill-down with
 * each node's reload kind. Runtime-agnostic.
 */
import { z } from "../zod.ts";
import { parsePath } from "./object-path.ts";
import { reloadKindOf, type ReloadKind } from "./reload-plan.ts";
import { configSchema } from "./schema.ts";

/** Control UI presentation metadata for one path. */
export interface UiHint {
  label: string;
  help?: string;
  group?: string;
  advanced?: boolean;
}

/** Field docs for the keys clawgate reads, in upstream's words where it has them. */
export const UI_HINTS: Readonly<Record<string, UiHint>> = {
  gateway: { label: "Gateway", group: "Gateway", help: "Gateway runtime surface for bind mode, auth, control UI, remote transport, and operational safety controls.", advanced: true },
  "gateway.mode": { label: "Gateway Mode", help: "Gateway operation mode: \"local\" runs on this host, while \"remote\" connects through remote transport.", advanced: false },
  "gateway.port": { label: "Gateway Port", help: "TCP port used by the gateway listener for API, control UI, and channel-facing ingress paths.", advanced: false },
  "gateway.bind": { label: "Gateway Bind Mode", help: "Network bind profile: \"auto\", \"lan\", \"loopback\", \"custom\", or \"tailnet\". Keep \"loopback\" for local-only operation.", advanced: false },
  "gateway.customBindHost": { label: "Gateway Custom Bind Host", help: "IPv4 address used for a custom bind." },
  "gateway.auth": { label: "Gateway Auth", help: "How clients prove they may connect: a shared token or password, or a trusted proxy." },
  "gateway.auth.mode": { label: "Gateway Auth Mode", help: "\"token\", \"password\", \"trusted-proxy\" or \"none\" (loopback only)." },
  "gateway.auth.token": { label: "Gateway Token", help: "Shared secret clients send in connect.params.auth.token. Changing it disconnects shared-token clients (4001)." },
  "gateway.auth.password": { label: "Gateway Password", help: "Shared password for auth mode \"password\"." },
  "gateway.auth.rateLimit": { label: "Auth Rate Limit", help: "Failed-auth sliding window and lockout; applies live and keeps counts." },
  "gateway.remote": { label: "Remote Gateway", help: "Where CLI clients connect when gateway.mode is \"remote\"." },
  "gateway.remote.url": { label: "Remote Gateway URL", help: "WebSocket URL of the remote gateway." },
  "gateway.remote.token": { label: "Remote Gateway Token", help: "Token the CLI sends to the remote gateway; should match its gateway.auth.token." },
  "gateway.reload": { label: "Config Reload", help: "How live edits of openclaw.json are applied." },
  "gateway.reload.mode": { label: "Config Reload Mode", help: "\"hybrid\" (default) applies safe changes live and restarts for listener/auth-mode changes; \"off\" waits for a manual restart." },
  "gateway.trustedProxies": { label: "Trusted Proxies", help: "Proxy addresses whose forwarded-client headers are believed." },
  "gateway.controlUi": { label: "Control UI", help: "Browser control surface settings." },
  "gateway.controlUi.allowedOrigins": { label: "Allowed Origins", help: "Extra browser origins allowed to connect." },
  "gateway.controlUi.enabled": { label: "Control UI Enabled", help: "Serve the Control UI pages and assets (default true); applies live." },
  "gateway.controlUi.basePath": { label: "Control UI Base Path", help: "URL prefix the Control UI is served under, e.g. \"/openclaw\" (restart)." },
  "gateway.controlUi.root": { label: "Control UI Root", help: "Directory of another Control UI build to serve instead of the built-in one (restart)." },
  logging: { label: "Logging", group: "Logging", help: "File log path, level and rotation." },
  "logging.level": { label: "Log Level", help: "Primary log level threshold: \"silent\", \"fatal\", \"error\", \"warn\", \"info\", \"debug\", or \"trace\".", advanced: true },
  "logging.file": { label: "Log File", help: "JSONL log path (default ~/.openclaw/logs/gateway.log)." },
  "logging.maxFileBytes": { label: "Log Rotation Size", help: "Active log size in bytes before rotation; five archives are kept (default 104857600)." },
  env: { label: "Environment", help: "Inline env vars, applied only where the process env lacks the key." },
  "env.vars": { label: "Environment Variables", help: "Name/value pairs for ${VAR} substitution and providers." },
  models: { label: "Models", group: "Models", help: "Model providers and the models they serve." },
  agents: { label: "Agents", group: "Agents", help: "Agent roster and defaults." },
};

type JsonSchema = Record<string, any>;

let cached: JsonSchema | undefined;

/** The full JSON Schema with titles and descriptions from the hint table. */
export function configJsonSchema(): JsonSchema {
  if (cached) return cached;
  const schema = z.toJSONSchema(configSchema, { unrepresentable: "any", io: "input" }) as JsonSchema;
  for (const [path, hint] of Object.entries(UI_HINTS)) {
    const node = nodeAt(schema, parsePath(path).map(String));
    if (node) {
      node.title ??= hint.label;
      if (hint.help) node.description ??= hint.help;
    }
  }
  schema.title = "OpenClawConfig";
  cached = schema;
  return schema;
}

/** The object branch of a node (first `anyOf` branch with properties). */
function objectBranch(node: JsonSchema): JsonSchema {
  if (node.properties || node.items) return node;
  for (const branch of node.anyOf ?? []) if (branch.properties || branch.items) return branch;
  return node;
}

function nodeAt(root: JsonSchema, segments: string[]): JsonSchema | undefined {
  let node: JsonSchema | undefined = root;
  for (const seg of segments) {
    if (!node) return undefined;
    const obj = objectBranch(node);
    if (obj.properties?.[seg]) node = obj.properties[seg];
    else if ((seg === "[]" || /^\d+$/.test(seg)) && obj.items) node = obj.items;
    else if (obj.additionalProperties && typeof obj.additionalProperties === "object" && Object.keys(obj.additionalProperties).length > 0) node = obj.additionalProperties;
    else return undefined;
  }
  return node;
}

/** A node without its nested structure, as lookup returns it. */
function shallow(node: JsonSchema): JsonSchema {
  const { properties: _p, items: _i, additionalProperties, required: _r, propertyNames: _n, $schema: _s, ...rest } = node;
  if (additionalProperties === false) rest.additionalProperties = false;
  return rest;
}

function hintFor(path: string): { hint?: UiHint; hintPath?: string } {
  const hint = UI_HINTS[path];
  return hint ? { hint, hintPath: path } : {};
}

/** One child summary in a lookup answer. */
export interface LookupChild {
  key: string;
  path: string;
  type?: string;
  required: boolean;
  hasChildren: boolean;
  reloadKind: ReloadKind;
  hint?: UiHint;
  hintPath?: string;
}

/** `config.schema.lookup`: one node, shallow, with child summaries; undefined when the path is unknown. */
export function lookupSchema(path: string): { path: string; schema: JsonSchema; reloadKind: ReloadKind; hint?: UiHint; hintPath?: string; children: LookupChild[] } | undefined {
  let segments: string[];
  try {
    segments = parsePath(path).map(String);
  } catch {
    return undefined;
  }
  const node = nodeAt(configJsonSchema(), segments);
  if (!node) return undefined;
  const normalized = segments.join(".");
  const obj = objectBranch(node);
  const required = new Set<string>(obj.required ?? []);
  const children: LookupChild[] = Object.entries<JsonSchema>(obj.properties ?? {}).map(([key, child]) => {
    const childPath = `${normalized}.${key}`;
    const childObj = objectBranch(child);
    return {
      key,
      path: childPath,
      ...(typeof child.type === "string" ? { type: child.type } : {}),
      required: required.has(key),
      hasChildren: Boolean(childObj.properties || childObj.items),
      reloadKind: reloadKindOf(childPath),
      ...hintFor(childPath),
    };
  });
  return { path: normalized, schema: shallow(node), reloadKind: reloadKindOf(normalized), ...hintFor(normalized), children };
}
