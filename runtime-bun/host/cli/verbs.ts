/**
 * The one table of CLI verbs: each verb's usage, summary, flags (which drive
 * parsing, help and "does not recognize option" errors) and handler. Names,
 * flags and aliases follow `openclaw`'s. A handler imports its module only
 * when it runs, so a long-running `gateway run` carries no CLI-only code and
 * each verb sits in its own bundle chunk (runtime-bun/bundle.ts).
 */
import type { Platform } from "../platform.ts";
import type { Flag, FlagTable, Values } from "./args.ts";
import type { TargetFlags } from "./connection.ts";
import { EXIT, fail } from "./output.ts";

/** What a handler gets: the positionals after the verb, typed flag values, and the resolved target flags. */
export interface Invocation {
  args: string[];
  v: Values;
  platform: Platform;
  profile?: string;
  target: TargetFlags;
}

/** One verb: what selects it, what it accepts, what runs it. */
export interface Verb {
  /** "health", "cron list": the words that select it. */
  name: string;
  /** Other spellings of the last word (upstream's `rm|remove`). */
  aliases?: string[];
  /** Positionals in usage form, e.g. "<method>". */
  args?: string;
  /** Most positionals accepted (default: the count in `args`); more is a usage error. */
  maxArgs?: number;
  summary: string;
  flags: FlagTable;
  run(inv: Invocation): Promise<number> | number;
}

const bool = (help: string): Flag => ({ type: "boolean", help });
const str = (value: string, help: string, extra: Partial<Flag> = {}): Flag => ({ type: "string", value, help, ...extra });
const ms = (help: string, example = 30_000): Flag => str("<ms>", help, { int: { kind: "int", min: 1, unit: "milliseconds", example } });
const count = (value: string, help: string, example: number): Flag => str(value, help, { int: { kind: "int", min: 1, example } });

/** Flags every verb accepts. */
export const GLOBAL_FLAGS: FlagTable = {
  profile: str("<name>", "Use ~/.openclaw-<name> (isolated state and config; the port stays 18789 unless the profile sets gateway.port or --port)"),
  dev: bool('Profile "dev" (port 19001)'),
  "no-color": bool("No ANSI colours"),
  help: { type: "boolean", short: "h", help: "Show help" },
  version: { type: "boolean", short: "V", help: "Print the version" },
};

const json = bool("Machine-readable output");
const port = str("<port>", "Local gateway port (not with --url)", { int: { kind: "port" } });
/** Upstream's shared gateway connection options. */
const CONNECTION: FlagTable = {
  url: str("<url>", "Gateway WebSocket URL (needs --token or --password)"),
  token: str("<token>", "Gateway token"),
  password: str("<password>", "Gateway password"),
  port,
  timeout: ms("Timeout in ms"),
};
const LOGS: FlagTable = {
  follow: bool("Keep polling (reconnects with backoff)"),
  json: bool("Line-delimited JSON records"),
  limit: count("<n>", "Max lines (default 200)", 200),
  "max-bytes": count("<n>", "Max bytes to read (default 250000)", 250_000),
  interval: str("<ms>", "Poll interval while following (default 1000)", { int: { kind: "int", min: 1, unit: "milliseconds", example: 1000 } }),
  plain: bool("No styling"),
  utc: bool("Timestamps in UTC"),
  "local-time": bool("Timestamps in local time (default)"),
  ...CONNECTION,
};

const s = (v: Values, name: string) => v[name] as string | undefined;
const b = (v: Values, name: string) => v[name] === true;
const n = (v: Values, name: string) => v[name] as number | undefined;

const logs = async ({ v, target }: Invocation) => (await import("./logs.ts")).logsCommand({ ...target, json: b(v, "json"), follow: b(v, "follow"), limit: n(v, "limit"), maxBytes: n(v, "max-bytes"), interval: n(v, "interval"), plain: b(v, "plain"), utc: b(v, "utc") });

/** `config <verb>`: the config-cmd flags, with `set --json` as upstream's legacy alias of --strict-json. */
const config = (verb: string) => async ({ args, v, profile }: Invocation) => (await import("./config-cmd.ts")).configCommand(verb, args, {
  profile,
  json: verb === "set" ? false : b(v, "json"),
  strictJson: b(v, "strict-json") || (verb === "set" && b(v, "json")),
  dryRun: b(v, "dry-run"),
  file: s(v, "file"),
  stdin: b(v, "stdin"),
  replacePath: v["replace-path"] as string[] | undefined,
});
const dryRun = bool("Validate without writing");

const devices = (verb: string) => async ({ args, v, target }: Invocation) => (await import("./devices.ts")).devicesCommand(verb, args, { ...target, json: b(v, "json"), latest: b(v, "latest"), device: s(v, "device"), role: s(v, "role"), name: s(v, "name"), scope: v.scope as string[] | undefined, noScopes: b(v, "no-scopes") });
const pairing = (verb: string) => async ({ args, v, target }: Invocation) => (await import("./pairing.ts")).pairingCommand(verb, args, { ...target, json: b(v, "json"), channel: s(v, "channel"), account: s(v, "account"), notify: b(v, "notify") });
const approvals = (verb: string) => async ({ args, v, target }: Invocation) => (await import("./approvals.ts")).approvalsCommand(verb, args, { ...target, json: b(v, "json"), reason: s(v, "reason"), file: s(v, "file"), stdin: b(v, "stdin"), agent: s(v, "agent") });
const approvalsFlags: FlagTable = { gateway: bool("Target the gateway's approvals (the only target clawgate has)"), json, ...CONNECTION };
const pairingFlags: FlagTable = { channel: str("<channel>", "Channel id, e.g. telegram"), account: str("<account>", "Channel account id"), json, ...CONNECTION };

const cron = async () => import("./cron.ts");

/** `channels list|add|remove`: local config edits with upstream's flags. */
const channelEdit = (verb: "list" | "add" | "remove") => async ({ args, v, profile, platform, target }: Invocation) => {
  const m = await import("./channels.ts");
  const setup = { token: s(v, "token"), "token-file": s(v, "token-file"), "use-env": b(v, "use-env"), "bot-token": s(v, "bot-token"), "app-token": s(v, "app-token"), "signing-secret": s(v, "signing-secret"), mode: s(v, "mode") };
  const flags = { ...target, profile, json: b(v, "json"), all: b(v, "all"), channel: s(v, "channel"), account: s(v, "account"), name: s(v, "name"), delete: b(v, "delete"), ...setup };
  // WhatsApp links by QR, not a token: its add installs the optional packages and enables the account.
  if (verb === "add" && (flags.channel ?? args[0])?.trim().toLowerCase() === "whatsapp") return (await import("./channels-whatsapp.ts")).whatsappAdd({ ...flags, authDir: s(v, "auth-dir") });
  // Listing reads accounts through the channel plugins, which take the runtime's listener (never used to list).
  return verb === "list" ? m.channelsList(flags, platform.listenHttp) : verb === "add" ? m.channelsAdd(args[0], flags) : m.channelsRemove(args[0], flags, platform.listenHttp);
};
const channelEditFlags: FlagTable = {
  channel: str("<channel>", "Channel id (telegram|discord|slack|whatsapp)"),
  account: str("<id>", "Account id (default: default)"),
  "auth-dir": str("<path>", "WhatsApp auth directory override"),
  name: str("<name>", "Account display name"),
  token: str("<token>", "Telegram or Discord bot token"),
  "token-file": str("<path>", "Telegram: read the bot token from this file"),
  "use-env": bool("Use the channel's environment credentials (TELEGRAM_BOT_TOKEN, DISCORD_BOT_TOKEN, SLACK_BOT_TOKEN + SLACK_APP_TOKEN; default account)"),
  "bot-token": str("<token>", "Slack bot token (xoxb-...)"),
  "app-token": str("<token>", "Slack app token (xapp-..., Socket Mode)"),
  "signing-secret": str("<secret>", "Slack signing secret (HTTP mode)"),
  mode: str("<mode>", "Slack connection mode: socket|http"),
};

/** Every verb, in the order help lists them. */
export const VERBS: readonly Verb[] = [
  {
    name: "gateway run",
    summary: "Run the WebSocket Gateway in the foreground (SIGUSR2 restarts in place; config refusals exit 78).",
    flags: {
      port: str("<port>", "Port (default: OPENCLAW_GATEWAY_PORT, gateway.port, 18789; 0 picks a free port)", { int: { kind: "port", allowZero: true } }),
      bind: str("<mode>", "loopback|lan|tailnet|auto|custom (default: gateway.bind or loopback)"),
      token: str("<token>", "Shared token (default: gateway.auth.token, OPENCLAW_GATEWAY_TOKEN)"),
      auth: str("<mode>", "none|token|password|trusted-proxy"),
      password: str("<password>", "Password for auth mode password"),
      "password-file": str("<file>", "Read the password from a file"),
      force: bool("Replace a running clawgate of this state dir (found by its pid file); never kills other processes"),
      "allow-unconfigured": bool("Allow gateway start without gateway.mode=local in config"),
      verbose: bool("Debug logging"),
    },
    run: async ({ v, profile, platform }) => (await import("./gateway-run.ts")).gatewayRun({ port: n(v, "port"), bind: s(v, "bind"), token: s(v, "token"), password: s(v, "password"), passwordFile: s(v, "password-file"), auth: s(v, "auth"), profile, verbose: b(v, "verbose"), force: b(v, "force"), allowUnconfigured: b(v, "allow-unconfigured") }, platform),
  },
  { name: "gateway start", summary: "Start the gateway service (installed systemd/launchd unit, else a background process with a pid file). Idempotent.", flags: { port: { ...port, help: "Port for a background start (0 picks a free port)", int: { kind: "port", allowZero: true } }, json }, run: async ({ v, profile }) => (await import("./gateway-service.ts")).gatewayStart({ profile, port: n(v, "port"), json: b(v, "json") }) },
  { name: "gateway stop", summary: "Stop the gateway gracefully (shutdown event, close 1012). Stopping a stopped gateway is a no-op.", flags: { json, force: bool("Accepted for upstream compatibility") }, run: async ({ v, profile }) => (await import("./gateway-service.ts")).gatewayStop({ profile, json: b(v, "json") }) },
  { name: "gateway restart", summary: "Restart the gateway: graceful stop, then a new process, waiting for /health.", flags: { json, force: bool("Accepted for upstream compatibility") }, run: async ({ v, profile }) => (await import("./gateway-service.ts")).gatewayRestart({ profile, json: b(v, "json") }) },
  {
    name: "gateway status",
    summary: "Show the gateway service and process, the port, and a connectivity probe.",
    flags: { json, deep: bool("Also list other gateway installs and profiles"), "require-rpc": bool("Probe with a read RPC and exit 1 if it fails"), "no-probe": bool("Service view only"), ...CONNECTION },
    run: async ({ v, target }) => (await import("./gateway-status.ts")).gatewayStatus({ ...target, json: b(v, "json"), deep: b(v, "deep"), requireRpc: b(v, "require-rpc"), noProbe: b(v, "no-probe") }),
  },
  { name: "gateway probe", summary: "Probe reachability and auth capability (explicit URL, configured remote, local loopback). Exits 1 only if nothing is reachable.", flags: { json, ...CONNECTION }, run: async ({ v, target }) => (await import("./gateway-status.ts")).gatewayProbe({ ...target, json: b(v, "json") }) },
  { name: "gateway health", summary: "Fetch the gateway's health snapshot.", flags: { json, ...CONNECTION }, run: async ({ v, target }) => (await import("./gateway-call.ts")).gatewayCall("health", { ...target, json: b(v, "json") }) },
  {
    name: "gateway call",
    args: "<method>",
    summary: "Call one gateway RPC method. Exit 0 with the payload; exit 1 with an error object.",
    flags: { params: str("<json>", "JSON object of params (default {})"), "expect-final": bool("Wait for the final reply of two-phase methods (agent)"), json, ...CONNECTION },
    run: async ({ args, v, target }) => {
      if (!args[0]) return fail('Missing required argument "method".', EXIT.usage, "Example: clawgate gateway call health --json");
      return (await import("./gateway-call.ts")).gatewayCall(args[0], { ...target, params: s(v, "params"), json: b(v, "json"), expectFinal: b(v, "expect-final") });
    },
  },
  { name: "gateway logs", summary: "Alias of `clawgate logs`.", flags: LOGS, run: logs },
  { name: "gateway install", summary: "Install the systemd user unit (Linux) or launchd agent (macOS) running this binary. Credentials are never written into it.", flags: { port: { ...port, help: "Port the service runs on" }, force: bool("Rewrite an existing definition"), json, token: str("<token>", "Refused: tokens stay in the config, never in the unit") }, run: async ({ v, profile }) => (await import("./gateway-service.ts")).gatewayInstall({ profile, port: n(v, "port"), json: b(v, "json"), force: b(v, "force"), token: s(v, "token") }) },
  { name: "gateway uninstall", summary: "Remove the installed gateway service.", flags: { json }, run: async ({ v, profile }) => (await import("./gateway-service.ts")).gatewayUninstall({ profile, json: b(v, "json") }) },
  { name: "gateway discover", summary: "Browse mDNS for gateways (_openclaw-gw._tcp).", flags: { json, timeout: ms("Browse time (default 2000)", 2000) }, run: async ({ v }) => (await import("./gateway-discover.ts")).gatewayDiscover({ json: b(v, "json"), timeoutMs: n(v, "timeout") }) },
  {
    name: "doctor",
    summary: "Health checks and safe repairs: config validity (last-known-good), port, bind/auth, token drift, permissions, stale pid, disk.",
    flags: { fix: bool("Apply safe repairs"), repair: bool("Alias of --fix"), yes: bool("Accept repairs without asking"), "non-interactive": bool("Never prompt"), "generate-gateway-token": bool("Set gateway.auth.mode token with a new 48-hex token"), json: bool("Findings as JSON"), deep: bool("Accepted for upstream compatibility") },
    run: async ({ v, profile, platform }) => (await import("./doctor.ts")).doctor({ profile, fix: b(v, "fix") || b(v, "repair"), generateGatewayToken: b(v, "generate-gateway-token"), json: b(v, "json") }, platform),
  },
  { name: "config file", summary: "Print the active config path.", flags: { json: bool('{"path": …}') }, run: config("file") },
  { name: "config get", args: "<path>", maxArgs: Infinity, summary: "Read one value (secrets redacted). Unset or unknown paths exit 1.", flags: { json: bool("Print the value as JSON") }, run: config("get") },
  { name: "config set", args: "<path> <value>", summary: "Set one value (JSON5, else a string), validated and written atomically with a .bak.", flags: { "strict-json": bool("Value must be JSON (--json is a legacy alias)"), json: bool("Legacy alias of --strict-json"), "dry-run": dryRun }, run: config("set") },
  { name: "config unset", args: "<path>", summary: "Remove one authored value.", flags: { "dry-run": dryRun, json }, run: config("unset") },
  { name: "config patch", summary: "Apply a JSON5 merge patch (objects merge, arrays/scalars replace, null deletes) in one validated write.", flags: { file: str("<path>", "Read the patch from a file"), stdin: bool("Read the patch from stdin"), "replace-path": str("<path>", "Replace this object instead of merging (repeatable)", { multiple: true }), "dry-run": dryRun, json }, run: config("patch") },
  { name: "config validate", summary: "Validate the config without starting the gateway.", flags: { json }, run: config("validate") },
  { name: "config schema", summary: "Print the JSON Schema of the keys clawgate reads.", flags: { json: bool("Accepted; the schema is always JSON") }, run: config("schema") },
  { name: "status", summary: "Gateway status: the status RPC plus service, target and OS.", flags: { json, deep: bool("Accepted for upstream compatibility"), ...CONNECTION }, run: async ({ v, target }) => (await import("./status.ts")).statusCommand({ ...target, json: b(v, "json") }) },
  { name: "logs", summary: "Tail the gateway's JSONL log over logs.tail.", flags: LOGS, run: logs },
  {
    name: "health",
    summary: "Fetch health from the running gateway.",
    flags: { json: bool("Output JSON instead of text"), timeout: ms("Connection timeout in milliseconds", 10_000), verbose: bool("Also print the gateway target"), debug: bool("Alias for --verbose") },
    run: async ({ v, target }) => (await import("./health.ts")).healthCommand({ ...target, json: b(v, "json"), verbose: b(v, "verbose") || b(v, "debug") }),
  },
  ...["sessions", "sessions list"].map((name): Verb => ({
    name,
    summary: name === "sessions" ? "List stored conversation sessions (through the running gateway)." : "Same as `clawgate sessions`.",
    flags: {
      agent: str("<id>", "Only this agent's sessions"),
      "all-agents": bool("Sessions of every agent (the default)"),
      active: count("<minutes>", "Only sessions updated within the past N minutes", 120),
      limit: str("<count>", 'Max sessions to show (default: 100; use "all" for full output)'),
      json: bool("Output as JSON"),
      verbose: bool("Verbose logging"),
      ...CONNECTION,
    },
    run: async ({ v, target }) => (await import("./sessions.ts")).sessionsCommand({ ...target, json: b(v, "json"), agent: s(v, "agent"), allAgents: b(v, "all-agents"), active: n(v, "active"), limit: s(v, "limit") }),
  })),
  {
    name: "cron list",
    summary: "List automations (enabled ones unless --all).",
    flags: { agent: str("<id>", "Filter by agent id"), all: bool("Include disabled jobs"), json: bool("Output JSON"), ...CONNECTION },
    run: async ({ v, target }) => (await cron()).cronList({ ...target, json: b(v, "json"), agent: s(v, "agent"), all: b(v, "all") }),
  },
  {
    name: "cron add",
    aliases: ["create"],
    args: "[scheduleOrName] [message]",
    summary: "Add an automation: a schedule (positional cron expression, --at, --every or --cron) and a payload (--message or --system-event).",
    flags: {
      name: str("<name>", "Job name"),
      "display-name": str("<name>", "Human-readable job label"),
      description: str("<text>", "Job description"),
      at: str("<when>", "One-shot time (ISO; offset-less is UTC) or duration like 20m"),
      every: str("<duration>", "Interval duration (e.g. 10m, 1h)"),
      cron: str("<expr>", "Cron expression (5-field or 6-field with seconds)"),
      tz: str("<iana>", "Timezone for cron expressions (IANA; default: the gateway host's)"),
      exact: bool("Disable cron staggering (set stagger to 0)"),
      stagger: str("<duration>", "Cron stagger window (e.g. 30s, 5m)"),
      message: str("<text>", "Agent message payload"),
      "system-event": str("<text>", "System event payload (main session)"),
      agent: str("<id>", "Agent id for this job"),
      session: str("<target>", "Session target (main|isolated|current|session:<id>)"),
      "session-key": str("<key>", "Session key for job routing"),
      wake: str("<mode>", 'Wake mode (now|next-heartbeat) (default: "now")'),
      model: str("<model>", "Model override for agent jobs"),
      thinking: str("<level>", "Thinking level for agent jobs"),
      "timeout-seconds": str("<n>", "Timeout seconds for agent jobs (0 disables the scheduler timeout)", { int: { kind: "int", min: 0, example: 300 } }),
      disabled: bool("Create job disabled"),
      "delete-after-run": bool("Delete a one-shot after it succeeds (the default for --at)"),
      "keep-after-run": bool("Keep a one-shot job after it succeeds"),
      announce: bool("Fallback-deliver final text to a chat (the default for isolated jobs)"),
      "no-deliver": bool("Disable runner fallback delivery"),
      channel: str("<channel>", 'Delivery channel (e.g. telegram; default: "last", the chat that last reached the agent)'),
      to: str("<dest>", "Delivery recipient (a chat id, phone number or channel:<id>)"),
      account: str("<id>", "Channel account for delivery (multi-account channels)"),
      "thread-id": str("<id>", "Thread or topic id for delivery"),
      json: bool("Explicit machine-output spelling (results are JSON by default)"),
      ...CONNECTION,
    },
    run: async ({ args, v, target }) => (await cron()).cronAdd(args, v, target),
  },
  {
    name: "cron rm",
    aliases: ["remove", "delete"],
    args: "<id>",
    summary: "Remove an automation.",
    flags: { json: bool("Explicit machine-output spelling (results are JSON by default)"), ...CONNECTION },
    run: async ({ args, v, target }) => (await cron()).cronRemove(args[0], { ...target, json: b(v, "json") }),
  },
  {
    name: "cron run",
    args: "<id>",
    summary: "Run an automation now (debug).",
    flags: { due: bool("Run only when due"), json: bool("Explicit machine-output spelling (results are JSON by default)"), ...CONNECTION },
    run: async ({ args, v, target }) => (await cron()).cronRun(args[0], { ...target, json: b(v, "json"), due: b(v, "due") }),
  },
  {
    name: "cron runs",
    args: "[id]",
    summary: "Show automation run history.",
    flags: {
      id: str("<id>", "Job id (alternative to positional argument)"),
      limit: count("<n>", "Max entries (default 50)", 50),
      offset: str("<n>", "Entries to skip before returning results", { int: { kind: "int", min: 0, example: 50 } }),
      "run-id": str("<runId>", "Filter by cron run id"),
      status: str("<status>", "Filter by run status (all, ok, error, skipped)"),
      "delivery-status": str("<status>", "Filter by delivery status (delivered, not-delivered, unknown, not-requested)"),
      query: str("<text>", "Filter by run summary or error text"),
      sort: str("<direction>", "Sort by run time (asc, desc)"),
      json: bool("Explicit machine-output spelling (results are JSON by default)"),
      ...CONNECTION,
    },
    run: async ({ args, v, target }) => (await cron()).cronRuns(args[0] ?? s(v, "id"), {
      ...target, limit: n(v, "limit"), offset: n(v, "offset"), runId: s(v, "run-id"), status: s(v, "status"), deliveryStatus: s(v, "delivery-status"), query: s(v, "query"), sort: s(v, "sort"),
    }),
  },
  {
    name: "agent",
    summary: "Run an agent turn via the Gateway and print the reply.",
    flags: {
      message: str("<text>", "Message body for the agent", { short: "m" }),
      "message-file": str("<path>", "Read the message body from a UTF-8 file (max 4 MiB)"),
      agent: str("<id>", "Agent id (overrides routing bindings)"),
      "session-id": str("<id>", "Use an explicit session id"),
      "session-key": str("<key>", "Explicit session key (agent:<id>:<key>, or scoped to --agent)"),
      to: str("<number>", "Recipient number in E.164 used to derive the session key", { short: "t" }),
      thinking: str("<level>", "Thinking level: off | minimal | low | medium | high | xhigh | adaptive | max | ultra where supported"),
      model: str("<id>", "Model override for this run (provider/model or model id)"),
      timeout: str("<seconds>", "Override agent command timeout (seconds, default 600)", { int: { kind: "int", min: 1, unit: "seconds", example: 600 } }),
      json: bool("Output result as JSON"),
    },
    run: async ({ v, target }) => (await import("./agent.ts")).agentCommand(v, target),
  },
  {
    name: "channels status",
    summary: "Show channel status (use clawgate status --deep for a full connection check).",
    flags: { channel: str("<name>", "Only show one channel"), json: bool("Output JSON"), probe: bool("Probe channel credentials"), ...CONNECTION },
    run: async ({ v, target }) => (await import("./channels.ts")).channelsStatus({ ...target, json: b(v, "json"), probe: b(v, "probe"), channel: s(v, "channel") }),
  },
  { name: "devices list", summary: "List pending requests and paired devices.", flags: { json, ...CONNECTION }, run: devices("list") },
  { name: "devices approve", args: "[requestId]", summary: "Approve a pending request (without an id, or with --latest: show the newest and how to approve it).", flags: { latest: bool("Preview the newest pending request"), json, ...CONNECTION }, run: devices("approve") },
  { name: "devices reject", args: "<requestId>", summary: "Reject a pending request.", flags: { json, ...CONNECTION }, run: devices("reject") },
  { name: "devices remove", args: "<deviceId>", summary: "Remove a paired device.", flags: { json, ...CONNECTION }, run: devices("remove") },
  { name: "devices rename", summary: "Rename a paired device.", flags: { device: str("<id>", "Device id"), name: str("<label>", "New label"), json, ...CONNECTION }, run: devices("rename") },
  { name: "devices rotate", summary: "Rotate a device token.", flags: { device: str("<id>", "Device id"), role: str("<role>", "Token role"), scope: str("<scope>", "Scope of the new token (repeatable)", { multiple: true }), "no-scopes": bool("A token with no scopes"), json, ...CONNECTION }, run: devices("rotate") },
  { name: "devices revoke", summary: "Revoke a device token.", flags: { device: str("<id>", "Device id"), role: str("<role>", "Token role"), json, ...CONNECTION }, run: devices("revoke") },
  { name: "pairing list", args: "[channel]", maxArgs: Infinity, summary: "List pending chat-sender pairing requests.", flags: pairingFlags, run: pairing("list") },
  { name: "pairing approve", args: "[channel] <code>", maxArgs: Infinity, summary: "Approve a sender's pairing code.", flags: { ...pairingFlags, notify: bool("Tell the sender") }, run: pairing("approve") },
  { name: "pairing deny", args: "[channel] <code>", maxArgs: Infinity, summary: "Deny a sender's pairing code.", flags: pairingFlags, run: pairing("deny") },
  { name: "channels list", summary: "List configured chat channel accounts (local config).", flags: { all: bool("Also list channels with no configured account"), json }, run: channelEdit("list") },
  { name: "channels add", args: "[channel]", summary: "Add or update a channel account (local config): --channel telegram|discord --token <t>, --channel slack --bot-token <t> --app-token <t>, or --use-env; --channel whatsapp installs WhatsApp support and enables the account.", flags: channelEditFlags, run: channelEdit("add") },
  {
    name: "channels login",
    summary: "Link a WhatsApp account: installs WhatsApp support if needed, prints the gateway's QR in the terminal and waits until the phone scanned it.",
    flags: { channel: str("<channel>", "Channel id (whatsapp)"), account: str("<id>", "Account id (default: default)"), json, ...CONNECTION },
    run: async ({ v, target }) => {
      const channel = s(v, "channel")?.trim().toLowerCase();
      if (channel !== "whatsapp") return (await import("./output.ts")).fail(channel ? `Channel ${channel} does not log in by QR; clawgate links only whatsapp this way.` : "Channel is required. Pass --channel whatsapp.");
      return (await import("./channels-whatsapp.ts")).whatsappLogin({ ...target, json: b(v, "json"), account: s(v, "account") });
    },
  },
  {
    name: "channels logout",
    summary: "Stop a channel account and clear its credentials (WhatsApp: the linked session's files).",
    flags: { channel: str("<channel>", "Channel id"), account: str("<id>", "Account id (default: the channel's default)"), json, ...CONNECTION },
    run: async ({ v, target }) => {
      const channel = s(v, "channel")?.trim().toLowerCase();
      if (!channel) return (await import("./output.ts")).fail("Channel is required. Pass --channel <channel>.");
      return (await import("./channels-whatsapp.ts")).channelsLogout(channel, { ...target, json: b(v, "json"), account: s(v, "account") });
    },
  },
  { name: "channels remove", args: "[channel]", summary: "Disable a channel account, or delete its config with --delete (local config); a reachable gateway stops the account first.", flags: { channel: channelEditFlags.channel!, account: channelEditFlags.account!, delete: bool("Remove the account's config instead of disabling it"), ...CONNECTION }, run: channelEdit("remove") },
  {
    name: "import openclaw",
    summary: "Import an OpenClaw 2026.9.6 state dir (paired devices and their tokens, nodes, approved chat senders, cron jobs) in one transaction; upstream's files are only read. Running it again changes nothing.",
    flags: { "state-dir": str("<dir>", "OpenClaw state dir to read (default: this profile's, ~/.openclaw)"), "dry-run": bool("Report what would be imported; write nothing"), json: bool("Report as JSON") },
    run: async ({ v, profile, platform }) => (await import("./import.ts")).importOpenClaw({ profile, stateDir: s(v, "state-dir"), dryRun: b(v, "dry-run"), json: b(v, "json") }, platform),
  },
  { name: "approvals pending", aliases: ["list"], summary: "List pending exec approvals.", flags: approvalsFlags, run: approvals("pending") },
  { name: "approvals resolve", args: "<id> <decision>", summary: "Resolve a pending approval (allow-once, allow-always or deny).", flags: { ...approvalsFlags, reason: str("<text>", "Add a local note to the CLI confirmation") }, run: approvals("resolve") },
  { name: "approvals get", summary: "Fetch the exec approvals snapshot.", flags: approvalsFlags, run: approvals("get") },
  { name: "approvals set", summary: "Replace exec approvals with a JSON5 file.", flags: { ...approvalsFlags, file: str("<path>", "Path to JSON file to upload"), stdin: bool("Read JSON from stdin") }, run: approvals("set") },
  { name: "approvals allowlist", args: "<add|remove> <pattern>", summary: "Edit the per-agent allowlist.", flags: { ...approvalsFlags, agent: str("<id>", 'Agent id (defaults to "*")') }, run: approvals("allowlist") },
];

/** The verb `positionals` select and how many words that took, or undefined. */
export function findVerb(positionals: readonly string[]): { verb: Verb; words: number } | undefined {
  const [first, second] = positionals;
  for (const verb of VERBS) {
    const [group, sub] = verb.name.split(" ");
    if (group !== first) continue;
    if (sub === undefined) {
      // A group that is also a verb (`sessions`) yields to its subcommands.
      if (second === undefined || !VERBS.some((o) => o.name.startsWith(`${group} `) && matches(o, second))) return { verb, words: 1 };
    } else if (second !== undefined && matches(verb, second)) return { verb, words: 2 };
  }
  return undefined;
}

function matches(verb: Verb, word: string): boolean {
  const sub = verb.name.split(" ")[1];
  return sub === word || (verb.aliases?.includes(word) ?? false);
}

/** Verbs under `group` ("cron" -> cron list, cron add, …). */
export function groupVerbs(group: string): Verb[] {
  return VERBS.filter((v) => v.name.startsWith(`${group} `));
}
