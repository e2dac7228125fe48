/**
 * Node command policy (spec §5, §8): which commands a node platform may expose,
 * which need admin to invoke or to approve, `gateway.nodes.commands.allow/deny`,
 * and upstream's refusal texts. Pure data and functions. Runtime-agnostic.
 */

/** `gateway.nodes.commands` (§11). */
export interface NodeCommandConfig {
  allow?: readonly string[];
  deny?: readonly string[];
}

/** What the policy needs to know about a node. */
export interface PolicyNode {
  clientId?: string;
  clientMode?: string;
  platform?: string;
  deviceFamily?: string;
  caps?: readonly string[];
  commands?: readonly string[];
}

const SYSTEM_RUN = ["system.run.prepare", "system.run", "system.which"];
const EXEC_APPROVALS = ["system.execApprovals.get", "system.execApprovals.set"];
const FILES = ["fs.listDir", "terminal.upload"];
const BROWSER_PROXY = ["browser.proxy", "browser.proxy.upload.v1"];
const NOTIFY = "system.notify";
const MCP_TOOLS_CALL = "mcp.tools.call.v1";
const CLAUDE_RUN = "agent.cli.claude.run.v1";
const DEVICE_APPS = "device.apps";
const DESKTOP_STREAM = "desktop.stream";

const CAMERA = ["camera.list"];
const MAC_CAMERA = ["camera.ptz.status"];
const LOCATION = ["location.get"];
const DEVICE = ["device.info", "device.status"];
const NOTIFICATIONS = ["notifications.list"];
const ANDROID_NOTIFICATIONS = [...NOTIFICATIONS, "notifications.actions"];
const ANDROID_DEVICE = [...DEVICE, "device.permissions", "device.health", DEVICE_APPS];
const CONTACTS = ["contacts.search"];
const CALENDAR = ["calendar.events"];
const CALL_LOG = ["callLog.search"];
const REMINDERS = ["reminders.list"];
const PHOTOS = ["photos.latest"];
const MOTION = ["motion.activity", "motion.pedometer"];
const SCREEN = ["screen.snapshot"];
const DESKTOP_SCREEN = [...SCREEN, DESKTOP_STREAM];
const COMPUTER = ["computer.act"];
const MOBILE_UI = ["mobile.ui.observe", "mobile.ui.act"];
const SYSTEM = [...SYSTEM_RUN, ...EXEC_APPROVALS, ...FILES, NOTIFY, ...BROWSER_PROXY, MCP_TOOLS_CALL, CLAUDE_RUN];

/** Talk push-to-talk commands, allowed for nodes that declare a talk surface. */
export const TALK_PTT_COMMANDS = ["talk.ptt.start", "talk.ptt.stop", "talk.ptt.cancel", "talk.ptt.once"] as const;
const WATCH_RELAY = ["watch.status", "watch.notify"];

/** Commands that need an explicit `gateway.nodes.commands.allow` opt-in before they run (§8). */
export const DANGEROUS_NODE_COMMANDS: readonly string[] = [
  "camera.snap", "camera.clip", "camera.ptz.control", "screen.record", "contacts.add", "calendar.add",
  "reminders.add", "sms.send", "sms.search", "health.summary",
];

/** Host-level commands a desktop node gets only once its surface is approved. */
const DESKTOP_HOST_COMMANDS = new Set([...SYSTEM_RUN, ...EXEC_APPROVALS, ...FILES, ...BROWSER_PROXY, MCP_TOOLS_CALL, CLAUDE_RUN, ...SCREEN, DESKTOP_STREAM]);

/** Worker-supervisor controls: never invocable through `node.invoke`, never advertised. */
const PRIVATE_COMMANDS = new Set([
  "worker.bundle.install.v1", "worker.launch.v1", "worker.status.v1", "worker.cancel.v1", "worker.environment.stop.v1",
  "worker.workspace.exec.v1", "worker.workspace.prepare.v1", "worker.workspace.retain.v1", "worker.desktop.stream.v1",
  "worker.desktop.launch.v1", "worker.desktop.computer.v1", "worker.portal.stream.v1",
]);

export type PlatformId = "ios" | "watchos" | "android" | "macos" | "windows" | "linux" | "unknown";

/** The per-platform default allowlists (§8). */
export const PLATFORM_DEFAULTS: Readonly<Record<PlatformId, readonly string[]>> = {
  ios: [...CAMERA, ...LOCATION, ...DEVICE, ...CONTACTS, ...CALENDAR, ...REMINDERS, ...PHOTOS, ...MOTION, NOTIFY],
  watchos: [...DEVICE, NOTIFY],
  android: [...CAMERA, ...LOCATION, ...ANDROID_NOTIFICATIONS, NOTIFY, ...ANDROID_DEVICE, ...CONTACTS, ...CALENDAR, ...CALL_LOG, ...REMINDERS, ...PHOTOS, ...MOTION, ...MOBILE_UI],
  macos: [...CAMERA, ...MAC_CAMERA, ...LOCATION, ...DEVICE, DEVICE_APPS, ...CONTACTS, ...CALENDAR, ...REMINDERS, ...PHOTOS, ...MOTION, ...SYSTEM, ...DESKTOP_SCREEN, ...COMPUTER],
  linux: [...SYSTEM, ...DESKTOP_SCREEN, ...COMPUTER],
  windows: [...CAMERA, ...LOCATION, ...DEVICE, ...SYSTEM, ...DESKTOP_SCREEN, ...COMPUTER],
  unknown: [...CAMERA, ...LOCATION, NOTIFY],
};

/** True for worker-private controls (§8). */
export function isPrivateCommand(command: string): boolean {
  return PRIVATE_COMMANDS.has(command.trim());
}

/**
 * Commands whose `node.invoke` needs `operator.admin` on top of `operator.write` (§5 dynamic row).
 * `system.execApprovals.*` is refused outright by `node.invoke`, see the methods.
 */
const ADMIN_INVOKE_COMMANDS = new Set([...SYSTEM_RUN, ...BROWSER_PROXY, ...FILES]);

/** The extra scope `node.invoke` needs for `command`, if any (§5). */
export function invokeScopeFor(command: string): "operator.admin" | undefined {
  return ADMIN_INVOKE_COMMANDS.has(command) ? "operator.admin" : undefined;
}

/** Scopes an operator needs to approve a node declaring `commands` (§5 `requiredApproveScopes`). */
export function approveScopesFor(commands: readonly string[]): string[] {
  if (commands.some((c) => ADMIN_INVOKE_COMMANDS.has(c) || EXEC_APPROVALS.includes(c))) return ["operator.pairing", "operator.admin"];
  if (commands.length > 0) return ["operator.pairing", "operator.write"];
  return ["operator.pairing"];
}

/** Lower-case, trimmed, accents stripped: how upstream compares platform metadata. */
function normalizeMeta(value: string | undefined): string {
  return (value ?? "").trim().normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase();
}

/** Desktop aliases the built-in node host sends (v3 envelopes: darwin/win32, no family; §8). */
const NODE_HOST_DESKTOP: Record<string, { platform: string; deviceFamily: string }> = {
  darwin: { platform: "macos", deviceFamily: "Mac" },
  macos: { platform: "macos", deviceFamily: "Mac" },
  linux: { platform: "linux", deviceFamily: "Linux" },
  win32: { platform: "windows", deviceFamily: "Windows" },
  windows: { platform: "windows", deviceFamily: "Windows" },
};

/**
 * Platform and family as the policy reads them: the node host's desktop
 * aliases map to canonical names, and a missing family is filled in (§8).
 */
export function nodeHostMetadata(node: PolicyNode): { platform?: string; deviceFamily?: string } {
  const { platform, deviceFamily } = node;
  if (node.clientId !== "node-host" || node.clientMode !== "node" || !platform || !Object.hasOwn(NODE_HOST_DESKTOP, platform)) return { platform, deviceFamily };
  const canonical = NODE_HOST_DESKTOP[platform]!;
  const family = deviceFamily?.trim();
  if (family && family.toLowerCase() !== canonical.deviceFamily.toLowerCase()) return { platform, deviceFamily };
  return { platform: canonical.platform, deviceFamily: family || canonical.deviceFamily };
}

function familyMatches(id: PlatformId, family: string): boolean {
  switch (id) {
    case "ios": return family === "" || /^(?:iphone|ipad|ios)$/.test(family);
    case "watchos": return family === "apple watch" || family === "watchos";
    case "android": return family === "" || family === "android";
    case "macos": return family === "mac";
    case "windows": return family === "windows";
    case "linux": return family === "linux";
    default: return false;
  }
}

const FAMILY_TOKENS: [PlatformId, string[]][] = [
  ["ios", ["iphone", "ipad", "ios"]], ["watchos", ["apple watch", "watchos"]], ["android", ["android"]],
  ["macos", ["mac"]], ["windows", ["windows"]], ["linux", ["linux"]],
];

/** The canonical platform id whose allowlist applies (§8). */
export function platformId(node: PolicyNode): PlatformId {
  const meta = nodeHostMetadata(node);
  const raw = normalizeMeta(meta.platform);
  const family = normalizeMeta(meta.deviceFamily);
  if (raw in PLATFORM_DEFAULTS && raw !== "unknown") return familyMatches(raw as PlatformId, family) ? raw as PlatformId : "unknown";
  if (/^(?:ios|ipados) \d+(?:\.\d+){0,2}$/.test(raw)) return /^(?:iphone|ipad|ios)$/.test(family) ? "ios" : "unknown";
  if (/^watchos \d+(?:\.\d+){0,2}$/.test(raw)) return /^(?:apple watch|watchos)$/.test(family) ? "watchos" : "unknown";
  if (/^macos \d+(?:\.\d+){0,2}$/.test(raw)) return family === "mac" ? "macos" : "unknown";
  if (/^android \d+(?: \(sdk \d+\))?$/.test(raw)) return family === "android" ? "android" : "unknown";
  if (raw) return "unknown";
  for (const [id, tokens] of FAMILY_TOKENS) if (tokens.some((t) => family.includes(t))) return id;
  return "unknown";
}

function isDesktop(id: PlatformId): boolean {
  return id === "macos" || id === "windows" || id === "linux";
}

function hasTalkSurface(node: PolicyNode): boolean {
  return (node.caps ?? []).some((c) => c.trim().toLowerCase() === "talk") || (node.commands ?? []).some((c) => c.trim().toLowerCase().startsWith("talk."));
}

/**
 * The allowlist for a node (§8). At pairing time (`forPairing`) desktop host
 * commands and the dangerous defaults may be declared and approved; at invoke
 * time desktop host commands count only once approved, and dangerous commands
 * only when `gateway.nodes.commands.allow` names them. `deny` always wins at
 * invoke time.
 */
export function commandAllowlist(cfg: NodeCommandConfig | undefined, node: PolicyNode, opts: { forPairing?: boolean; approved?: readonly string[] } = {}): Set<string> {
  const id = platformId(node);
  const base = PLATFORM_DEFAULTS[id].filter((c) => opts.forPairing || !isDesktop(id) || !DESKTOP_HOST_COMMANDS.has(c));
  const watch = id === "ios" && normalizeMeta(node.deviceFamily) === "iphone" ? WATCH_RELAY : [];
  const talk = hasTalkSurface(node) ? TALK_PTT_COMMANDS : [];
  const approved = isDesktop(id) ? (opts.approved ?? []).filter((c) => DESKTOP_HOST_COMMANDS.has(c.trim())) : [];
  const extra = cfg?.allow ?? [];
  const dangerous = new Set(opts.forPairing ? [] : DANGEROUS_NODE_COMMANDS);
  const allow = new Set([...base, ...watch, ...talk, ...approved, ...extra].map((c) => c.trim()).filter((c) => c && !dangerous.has(c)));
  for (const c of extra) if (c.trim()) allow.add(c.trim());
  for (const c of cfg?.deny ?? []) {
    const blocked = c.trim();
    // Dangerous defaults stay declarable at pairing even when denied; invoke still refuses them.
    if (blocked && !(opts.forPairing && DANGEROUS_NODE_COMMANDS.includes(blocked))) allow.delete(blocked);
  }
  for (const c of PRIVATE_COMMANDS) allow.delete(c);
  return allow;
}

/** Trimmed, de-duplicated, private controls dropped. */
export function normalizeCommands(commands: readonly string[] | undefined): string[] {
  const out: string[] = [];
  for (const raw of commands ?? []) {
    const c = raw.trim();
    if (c && !out.includes(c) && !PRIVATE_COMMANDS.has(c)) out.push(c);
  }
  return out;
}

/** Why a command may not run on a node, in upstream's reason words. */
export type Refusal = "command required" | "command not allowlisted" | "command not declared by node" | "node did not declare commands";

/** Checks one invoke against the allowlist and the node's effective (approved) commands (§8). */
export function checkCommand(command: string, effective: readonly string[], allowlist: ReadonlySet<string>): Refusal | null {
  const c = command.trim();
  if (!c) return "command required";
  if (PRIVATE_COMMANDS.has(c) || !allowlist.has(c)) return "command not allowlisted";
  if (effective.length === 0) return "node did not declare commands";
  if (!effective.includes(c)) return "command not declared by node";
  return null;
}

/** The refusal message operators see (`node command not allowed: …`, §8), byte for byte. */
export function refusalMessage(reason: Refusal, command: string, node: { platform?: string; declaredCommands: readonly string[] }, cfg: NodeCommandConfig | undefined): string {
  const platform = node.platform ?? "unknown";
  switch (reason) {
    case "command not declared by node":
      return `node command not allowed: the node (platform: ${platform}) does not support "${command}"`;
    case "command not allowlisted":
      if (command.startsWith("talk.")) return `node command not allowed: "${command}" requires a trusted Talk-capable node`;
      if ((cfg?.deny ?? []).some((c) => c.trim() === command)) return `node command not allowed: "${command}" is blocked by gateway.nodes.commands.deny`;
      if (DANGEROUS_NODE_COMMANDS.includes(command)) return `node command not allowed: "${command}" requires explicit gateway.nodes.commands.allow opt-in`;
      return `node command not allowed: "${command}" is not in the allowlist for platform "${platform}"`;
    case "node did not declare commands":
      if (node.declaredCommands.includes(command)) return "node command not allowed: the node's declared command surface is pending approval; run `openclaw nodes pending`, then `openclaw nodes approve <requestId>`";
      return "node command not allowed: the node did not declare any supported commands";
    default:
      return `node command not allowed: ${reason}`;
  }
}
