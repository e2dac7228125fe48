/**
 * The gateway, config, doctor, status and logs verbs: their options, `--help`
 * texts, which flags each accepts, and dispatch. main.ts parses once with
 * every option and hands these verbs here. Each verb's module is imported
 * only when it runs, so a long-running `gateway run` carries no CLI-only code.
 */
import type { Platform } from "../platform.ts";
import { EXIT, fail } from "./output.ts";

/** Options these verbs add to the shared parse. */
export const COMMAND_OPTIONS = {
  force: { type: "boolean" },
  deep: { type: "boolean" },
  "require-rpc": { type: "boolean" },
  "no-probe": { type: "boolean" },
  fix: { type: "boolean" },
  repair: { type: "boolean" },
  yes: { type: "boolean" },
  "non-interactive": { type: "boolean" },
  "generate-gateway-token": { type: "boolean" },
  "strict-json": { type: "boolean" },
  "dry-run": { type: "boolean" },
  file: { type: "string" },
  stdin: { type: "boolean" },
  "replace-path": { type: "string", multiple: true },
  follow: { type: "boolean" },
  limit: { type: "string" },
  "max-bytes": { type: "string" },
  interval: { type: "string" },
  plain: { type: "boolean" },
  utc: { type: "boolean" },
  "local-time": { type: "boolean" },
  "no-color": { type: "boolean" },
} as const;

/** Global flags every command accepts. */
const GLOBAL = ["profile", "dev", "help", "version", "no-color"];
const CONNECTION = ["url", "token", "password", "port", "timeout"];

interface Spec {
  usage: string;
  summary: string;
  flags: string[];
  options: string;
}

const CONN_HELP = `  --url <url>           Gateway WebSocket URL (needs --token or --password)
  --token <token>       Gateway token
  --password <pw>       Gateway password
  --port <port>         Local gateway port (not with --url)
  --timeout <ms>        Timeout`;

const SPECS: Record<string, Spec> = {
  "gateway run": {
    usage: "clawgate gateway run [options]",
    summary: "Run the WebSocket Gateway in the foreground (SIGUSR2 restarts in place; config refusals exit 78).",
    flags: ["port", "bind", "token", "password", "password-file", "auth", "verbose", "force", "allow-unconfigured"],
    options: `  --port <port>         Port (default: OPENCLAW_GATEWAY_PORT, gateway.port, 18789)
  --bind <mode>         loopback|lan|tailnet|auto|custom (default: gateway.bind or loopback)
  --token <token>       Shared token (default: gateway.auth.token, OPENCLAW_GATEWAY_TOKEN)
  --auth <mode>         none|token|password|trusted-proxy
  --password <pw>       Password for auth mode password
  --password-file <f>   Read the password from a file
  --force               Replace a running clawgate of this state dir (found by its pid file); never kills other processes
  --verbose             Debug logging`,
  },
  "gateway start": { usage: "clawgate gateway start [--port N] [--json]", summary: "Start the gateway service (installed systemd/launchd unit, else a background process with a pid file). Idempotent.", flags: ["port", "json"], options: "  --port <port>         Port for a background start\n  --json                Machine-readable result" },
  "gateway stop": { usage: "clawgate gateway stop [--json]", summary: "Stop the gateway gracefully (shutdown event, close 1012). Stopping a stopped gateway is a no-op.", flags: ["json", "force"], options: "  --json                Machine-readable result" },
  "gateway restart": { usage: "clawgate gateway restart [--json]", summary: "Restart the gateway: graceful stop, then a new process, waiting for /health.", flags: ["json", "force"], options: "  --json                Machine-readable result" },
  "gateway status": {
    usage: "clawgate gateway status [--json] [--deep] [--require-rpc] [--no-probe] [connection options]",
    summary: "Show the gateway service and process, the port, and a connectivity probe.",
    flags: ["json", "deep", "require-rpc", "no-probe", ...CONNECTION],
    options: `  --json                Machine-readable output
  --deep                Also list other gateway installs and profiles
  --require-rpc         Probe with a read RPC and exit 1 if it fails
  --no-probe            Service view only
${CONN_HELP}`,
  },
  "gateway probe": { usage: "clawgate gateway probe [--json] [connection options]", summary: "Probe reachability and auth capability (explicit URL, configured remote, local loopback). Exits 1 only if nothing is reachable.", flags: ["json", ...CONNECTION], options: `  --json                Machine-readable output\n${CONN_HELP}` },
  "gateway health": { usage: "clawgate gateway health [--json] [connection options]", summary: "Fetch the gateway's health snapshot.", flags: ["json", ...CONNECTION], options: `  --json                Machine-readable output\n${CONN_HELP}` },
  "gateway call": {
    usage: "clawgate gateway call <method> [--params JSON] [--expect-final] [--json] [connection options]",
    summary: "Call one gateway RPC method. Exit 0 with the payload; exit 1 with an error object.",
    flags: ["params", "expect-final", "json", ...CONNECTION],
    options: `  --params <json>       JSON object of params (default {})\n  --expect-final        Wait for the final reply of two-phase methods (agent)\n  --json                Machine-readable output\n${CONN_HELP}`,
  },
  "gateway logs": { usage: "clawgate gateway logs [options]", summary: "Alias of `clawgate logs`.", flags: ["follow", "json", "limit", "max-bytes", "interval", "plain", "utc", "local-time", ...CONNECTION], options: "  See `clawgate logs --help`." },
  "gateway install": { usage: "clawgate gateway install [--port N] [--force] [--json]", summary: "Install the systemd user unit (Linux) or launchd agent (macOS) running this binary. Credentials are never written into it.", flags: ["port", "force", "json", "token"], options: "  --port <port>         Port the service runs on\n  --force               Rewrite an existing definition\n  --json                Machine-readable result" },
  "gateway uninstall": { usage: "clawgate gateway uninstall [--json]", summary: "Remove the installed gateway service.", flags: ["json"], options: "  --json                Machine-readable result" },
  doctor: {
    usage: "clawgate doctor [--fix] [--generate-gateway-token] [--json]",
    summary: "Health checks and safe repairs: config validity (last-known-good), port, bind/auth, token drift, permissions, stale pid, disk.",
    flags: ["fix", "repair", "yes", "non-interactive", "generate-gateway-token", "json", "deep"],
    options: "  --fix, --repair       Apply safe repairs\n  --generate-gateway-token  Set gateway.auth.mode token with a new 48-hex token\n  --json                Findings as JSON",
  },
  "config file": { usage: "clawgate config file [--json]", summary: "Print the active config path.", flags: ["json"], options: "  --json                {\"path\": …}" },
  "config get": { usage: "clawgate config get <path> [--json]", summary: "Read one value (secrets redacted). Unset or unknown paths exit 1.", flags: ["json"], options: "  --json                Print the value as JSON" },
  "config set": { usage: "clawgate config set <path> <value> [--strict-json] [--dry-run]", summary: "Set one value (JSON5, else a string), validated and written atomically with a .bak.", flags: ["strict-json", "json", "dry-run"], options: "  --strict-json         Value must be JSON (--json is a legacy alias)\n  --dry-run             Validate without writing" },
  "config unset": { usage: "clawgate config unset <path> [--dry-run]", summary: "Remove one authored value.", flags: ["dry-run", "json"], options: "  --dry-run             Validate without writing" },
  "config patch": { usage: "clawgate config patch (--file <path> | --stdin) [--replace-path P]... [--dry-run]", summary: "Apply a JSON5 merge patch (objects merge, arrays/scalars replace, null deletes) in one validated write.", flags: ["file", "stdin", "replace-path", "dry-run", "json"], options: "  --file <path>         Read the patch from a file\n  --stdin               Read the patch from stdin\n  --replace-path <p>    Replace this object instead of merging (repeatable)\n  --dry-run             Validate without writing" },
  "config validate": { usage: "clawgate config validate [--json]", summary: "Validate the config without starting the gateway.", flags: ["json"], options: "  --json                Machine-readable result" },
  "config schema": { usage: "clawgate config schema", summary: "Print the JSON Schema of the keys clawgate reads.", flags: ["json"], options: "" },
  status: { usage: "clawgate status [--json] [connection options]", summary: "Gateway status: the status RPC plus service, target and OS.", flags: ["json", "deep", ...CONNECTION], options: `  --json                Machine-readable output\n${CONN_HELP}` },
  logs: {
    usage: "clawgate logs [--follow] [--json] [--limit N] [--max-bytes N] [--interval ms] [connection options]",
    summary: "Tail the gateway's JSONL log over logs.tail.",
    flags: ["follow", "json", "limit", "max-bytes", "interval", "plain", "utc", "local-time", ...CONNECTION],
    options: `  --follow              Keep polling (reconnects with backoff)
  --json                Line-delimited JSON records
  --limit <n>           Max lines (default 200)
  --max-bytes <n>       Max bytes to read (default 250000)
  --interval <ms>       Poll interval while following (default 1000)
  --plain               No styling
  --utc                 Timestamps in UTC
${CONN_HELP}`,
  },
};

/** Group usage when `--help` names only a group (`clawgate config --help`). */
function groupHelp(group: string): string | undefined {
  const entries = Object.entries(SPECS).filter(([k]) => k.startsWith(`${group} `));
  if (entries.length === 0) return undefined;
  return `Usage: clawgate ${group} <command>\n\nCommands:\n${entries.map(([k, s]) => `  ${k.slice(group.length + 1).padEnd(10)} ${s.summary}`).join("\n")}\n\nRun \`clawgate ${group} <command> --help\` for its options.\n`;
}

function specKey(positionals: readonly string[]): string | undefined {
  const two = positionals.slice(0, 2).join(" ");
  if (SPECS[two]) return two;
  return SPECS[positionals[0] ?? ""] ? positionals[0] : undefined;
}

/** `--help` text for these verbs, or undefined when the positionals name something else. */
export function commandHelp(positionals: readonly string[]): string | undefined {
  const key = specKey(positionals);
  if (!key) return positionals.length > 0 ? groupHelp(positionals[0]!) : undefined;
  const s = SPECS[key]!;
  return `Usage: ${s.usage}\n\n${s.summary}\n${s.options ? `\nOptions:\n${s.options}\n` : ""}\nGlobal: --profile <name>, --dev, --no-color, -h/--help\n`;
}

/** The usage lines for the top-level help. */
export function commandUsages(): string[] {
  return Object.values(SPECS).map((s) => `  ${s.usage}`);
}

type Values = Record<string, string | boolean | string[] | undefined>;

function int(values: Values, name: string, min = 0): number | undefined {
  const v = values[name];
  if (v === undefined) return undefined;
  const n = Number(v);
  if (typeof v !== "string" || !/^\d+$/.test(v.trim()) || n < min) throw new Error(`--${name} must be an integer >= ${min}, got "${String(v)}"`);
  return n;
}

export interface DispatchContext {
  /** The runtime `gateway run` listens and stores with. */
  platform: Platform;
  profile?: string;
  port?: number;
  timeout?: number;
}

/**
 * Runs one of these verbs; undefined when the positionals name another verb.
 * A flag the verb does not take is refused as upstream refuses it (exit 1).
 */
export async function dispatchCommand(positionals: readonly string[], values: Values, ctx: DispatchContext): Promise<number | undefined> {
  const key = specKey(positionals);
  if (!key) {
    if (positionals[0] === "config") return fail(positionals[1] ? `clawgate config has no command "${positionals[1]}".` : "config needs a command.", EXIT.usage, "Try: clawgate config --help");
    return undefined;
  }
  const allowed = new Set([...GLOBAL, ...SPECS[key]!.flags]);
  for (const [name, value] of Object.entries(values)) {
    if (value !== undefined && !allowed.has(name)) return fail(`clawgate does not recognize option "--${name}" for \`${key}\`.`, EXIT.usage, `Try: clawgate ${key} --help`);
  }
  const args = positionals.slice(key.split(" ").length);
  const json = values.json === true;
  const target = { url: values.url as string | undefined, token: values.token as string | undefined, password: values.password as string | undefined, port: ctx.port, profile: ctx.profile, timeout: ctx.timeout };
  let limit: number | undefined, maxBytes: number | undefined, interval: number | undefined;
  try {
    limit = int(values, "limit", 1);
    maxBytes = int(values, "max-bytes", 1);
    interval = int(values, "interval", 1);
  } catch (error) {
    return fail((error as Error).message, EXIT.usage);
  }
  const logsFlags = { ...target, json, follow: values.follow === true, limit, maxBytes, interval, plain: values.plain === true, utc: values.utc === true };
  switch (key) {
    case "gateway run":
      return (await import("./gateway-run.ts")).gatewayRun({ port: ctx.port, bind: values.bind as string | undefined, token: target.token, password: target.password, passwordFile: values["password-file"] as string | undefined, auth: values.auth as string | undefined, profile: ctx.profile, verbose: values.verbose === true, force: values.force === true, allowUnconfigured: values["allow-unconfigured"] === true }, ctx.platform);
    case "gateway start": return (await import("./gateway-service.ts")).gatewayStart({ profile: ctx.profile, port: ctx.port, json });
    case "gateway stop": return (await import("./gateway-service.ts")).gatewayStop({ profile: ctx.profile, json });
    case "gateway restart": return (await import("./gateway-service.ts")).gatewayRestart({ profile: ctx.profile, json });
    case "gateway install": return (await import("./gateway-service.ts")).gatewayInstall({ profile: ctx.profile, port: ctx.port, json, force: values.force === true, token: target.token });
    case "gateway uninstall": return (await import("./gateway-service.ts")).gatewayUninstall({ profile: ctx.profile, json });
    case "gateway status": return (await import("./gateway-status.ts")).gatewayStatus({ ...target, json, deep: values.deep === true, requireRpc: values["require-rpc"] === true, noProbe: values["no-probe"] === true });
    case "gateway probe": return (await import("./gateway-status.ts")).gatewayProbe({ ...target, json });
    case "gateway health": return (await import("./gateway-call.ts")).gatewayCall("health", { ...target, json });
    case "gateway call":
      if (!args[0]) return fail('Missing required argument "method".', EXIT.usage, "Example: clawgate gateway call health --json");
      return (await import("./gateway-call.ts")).gatewayCall(args[0], { ...target, params: values.params as string | undefined, json, expectFinal: values["expect-final"] === true });
    case "gateway logs":
    case "logs":
      return (await import("./logs.ts")).logsCommand(logsFlags);
    case "doctor":
      return (await import("./doctor.ts")).doctor({ profile: ctx.profile, fix: values.fix === true || values.repair === true, generateGatewayToken: values["generate-gateway-token"] === true, json });
    case "status": return (await import("./status.ts")).statusCommand({ ...target, json });
    default: {
      const verb = key.split(" ")[1];
      // `config set --json` is upstream's legacy alias for --strict-json, not JSON output.
      const setLike = verb === "set";
      return (await import("./config-cmd.ts")).configCommand(verb, args, {
        profile: ctx.profile,
        json: setLike ? false : json,
        strictJson: values["strict-json"] === true || (setLike && json),
        dryRun: values["dry-run"] === true,
        file: values.file as string | undefined,
        stdin: values.stdin === true,
        replacePath: values["replace-path"] as string[] | undefined,
      });
    }
  }
}
