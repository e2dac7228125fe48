/**
 * `clawgate devices list|approve|reject|remove|rename|rotate|revoke`: device
 * pairing and device tokens over `device.pair.*` / `device.token.*` (spec §6,
 * §12), worded and exiting as `openclaw devices` does.
 */
import { color, EXIT, fail, printJson } from "./output.ts";
import { report, rpc, type CommandFlags } from "./rpc-command.ts";
import { renderTable, timeAgo } from "./table.ts";

export interface DevicesFlags extends CommandFlags {
  latest?: boolean;
  device?: string;
  role?: string;
  name?: string;
  scope?: string[];
  noScopes?: boolean;
}

interface Pending {
  requestId: string;
  deviceId: string;
  publicKey?: string;
  displayName?: string;
  role?: string;
  roles?: string[];
  scopes?: string[];
  remoteIp?: string;
  isRepair?: boolean;
  ts?: number;
}

interface Paired {
  deviceId: string;
  publicKey?: string;
  displayName?: string;
  operatorLabel?: string;
  clientId?: string;
  roles?: string[];
  scopes?: string[];
  remoteIp?: string;
  tokens?: { role: string; scopes: string[] }[];
}

interface PairingList {
  pending: Pending[];
  paired: Paired[];
}

interface Access {
  roles: string[];
  scopes: string[];
}

const ADMIN = "operator.admin";
const PAIRING = "operator.pairing";

const requestedAccess = (p: Pending): Access => ({ roles: [...new Set([...(p.roles ?? []), ...(p.role ? [p.role] : [])])].sort(), scopes: [...(p.scopes ?? [])] });
const approvedAccess = (d: Paired): Access => ({ roles: [...(d.roles ?? [])].sort(), scopes: [...(d.scopes ?? [])] });

function formatAccess(a: Access | null): string {
  if (!a) return "none";
  return `roles: ${a.roles.join(", ") || "none"}; scopes: ${a.scopes.join(", ") || "none"}`;
}

/** The same device (same key) as the request, when paired. */
function pairedFor(list: PairingList, p: Pending): Paired | undefined {
  const d = list.paired.find((x) => x.deviceId === p.deviceId);
  return d && (!p.publicKey || !d.publicKey || d.publicKey === p.publicKey) ? d : undefined;
}

/** new pairing / role upgrade / scope upgrade / re-approval, as upstream classifies a request. */
function approvalKind(requested: Access, approved: Access | null): string {
  if (!approved) return "new pairing";
  if (!requested.roles.every((r) => approved.roles.includes(r))) return "role upgrade";
  if (!requested.scopes.every((s) => approved.scopes.includes(s))) return "scope upgrade";
  return "re-approval";
}

/** Scopes to call with: pairing plus what is being granted, or admin for admin grants and non-operator roles. */
function grantingScopes(roles: readonly string[], scopes: readonly string[]): string[] {
  if (roles.some((r) => r !== "operator") || scopes.includes(ADMIN) || scopes.some((s) => !s.startsWith("operator."))) return [ADMIN];
  return [...new Set([PAIRING, ...scopes])];
}

async function fetchList(flags: DevicesFlags) {
  return rpc<PairingList>(flags, "device.pair.list", {});
}

function listCommand(list: PairingList, flags: DevicesFlags, now: number): number {
  if (flags.json) {
    printJson(list);
    return EXIT.ok;
  }
  const out: string[] = [];
  if (list.pending.length > 0) {
    out.push(`${color.bold("Pending")} ${color.dim(`(${list.pending.length})`)}`);
    out.push(renderTable(["Request", "Device", "Requested", "Approved", "Age", "Status"], list.pending.map((p) => {
      const paired = pairedFor(list, p);
      const requested = requestedAccess(p);
      const approved = paired ? approvedAccess(paired) : null;
      const status = [approvalKind(requested, approved), ...(p.isRepair ? ["repair"] : [])].join(", ");
      return [p.requestId, `${p.displayName || p.deviceId}${p.remoteIp ? ` · ${p.remoteIp}` : ""}`, formatAccess(requested), formatAccess(approved), p.ts ? timeAgo(now - p.ts) : "", status];
    })));
  }
  if (list.paired.length > 0) {
    const rows = list.paired.map((d) => [
      d.operatorLabel || d.displayName || d.clientId || d.deviceId,
      d.deviceId,
      (d.roles ?? []).join(", "),
      (d.scopes ?? []).join(", "),
      (d.tokens ?? []).map((t) => t.role).sort().join(", ") || "none",
      d.remoteIp ?? "",
    ]);
    out.push(`${color.bold("Paired")} ${color.dim(`(${list.paired.length})`)}`);
    out.push(renderTable(["Device", "Device ID", "Roles", "Scopes", "Tokens", "IP"], rows));
  }
  if (out.length === 0) out.push(color.dim("No device pairing entries."));
  process.stdout.write(out.join("\n") + "\n");
  return EXIT.ok;
}

/** Without a request id (or with --latest): show the newest request and how to approve it, exit 1. */
function previewLatest(list: PairingList, flags: DevicesFlags): number {
  const latest = list.pending.reduce<Pending | undefined>((best, p) => (!best || (p.ts ?? 0) > (best.ts ?? 0) ? p : best), undefined);
  if (!latest) return fail("No pending device pairing requests to approve");
  const paired = pairedFor(list, latest);
  const requested = requestedAccess(latest);
  const approved = paired ? approvedAccess(paired) : null;
  const kind = approvalKind(requested, approved);
  const command = ["clawgate devices approve", latest.requestId, ...(flags.url ? ["--url", flags.url] : []), ...(flags.json ? ["--json"] : [])].join(" ");
  const authFlags = [flags.token ? "--token" : "", flags.password ? "--password" : ""].filter(Boolean);
  const reminder = authFlags.length > 0 ? `Reuse the same ${authFlags.join("/")} option${authFlags.length === 1 ? "" : "s"} when rerunning.` : "";
  if (flags.json) {
    printJson({
      selected: latest,
      approvalState: { kind: kind.replace(" ", "-"), requested, approved },
      approveCommand: command,
      requiresAuthFlags: { token: Boolean(flags.token), password: Boolean(flags.password) },
    });
    return EXIT.failure;
  }
  const lines = [
    `${color.yellow("Selected pending device request")} ${latest.requestId}`,
    `  Device: ${latest.displayName || latest.deviceId}`,
    `  Requested: ${formatAccess(requested)}`,
    ...(approved ? [`  Approved: ${formatAccess(approved)}`] : []),
    ...(latest.remoteIp ? [`  IP:     ${latest.remoteIp}`] : []),
    `  Note:   ${NOTES[kind]}`,
  ];
  process.stdout.write(lines.join("\n") + "\n");
  process.stderr.write(`Approve this exact request with: ${command}\n${reminder ? reminder + "\n" : ""}`);
  return EXIT.failure;
}

const NOTES: Record<string, string> = {
  "new pairing": "First-time device pairing request.",
  "role upgrade": "Already paired. Requested role exceeds the current approval, so reconnect stays blocked until you approve this upgrade.",
  "scope upgrade": "Already paired. Requested scopes exceed the current approval, so reconnect stays blocked until you approve this upgrade.",
  "re-approval": "Already paired. Approval-bound device details changed, so OpenClaw created a fresh request instead of silently reusing the old approval.",
};

async function approveCommand(requestId: string | undefined, flags: DevicesFlags): Promise<number> {
  const listed = await fetchList(flags);
  if (!listed.ok) return report(flags, listed.failure, listed.hint);
  const id = requestId?.trim();
  if (!id || flags.latest) return previewLatest(listed.payload, flags);
  const pending = listed.payload.pending.find((p) => p.requestId === id);
  const scopes = pending ? grantingScopes(requestedAccess(pending).roles, requestedAccess(pending).scopes) : undefined;
  let result = await rpc<{ requestId: string; device: { deviceId: string } }>(flags, "device.pair.approve", { requestId: id }, scopes);
  // Non-admins are told only "denied"; upstream's CLI then retries once as admin.
  if (!result.ok && result.failure.message === "device pairing approval denied" && !scopes?.includes(ADMIN)) {
    result = await rpc(flags, "device.pair.approve", { requestId: id }, [ADMIN]);
  }
  if (!result.ok) {
    if (result.failure.message === "unknown requestId") return fail(`No pending device request matches ${id}. Run \`clawgate devices list\` and retry with the current request ID.`);
    return report(flags, result.failure, result.hint);
  }
  if (flags.json) printJson(result.payload);
  else process.stdout.write(`${color.green("Approved")} ${result.payload.device.deviceId} ${color.dim(`(${result.payload.requestId})`)}\n`);
  return EXIT.ok;
}

async function simple(flags: DevicesFlags, method: string, params: Record<string, unknown>, line: (payload: any) => string): Promise<number> {
  const result = await rpc<any>(flags, method, params);
  if (!result.ok) return report(flags, result.failure, result.hint);
  if (flags.json) printJson(result.payload);
  else process.stdout.write(line(result.payload) + "\n");
  return EXIT.ok;
}

/** Scopes for rotate/revoke: admin for non-operator roles, else pairing plus the token's scopes (upstream's rule). */
async function tokenScopes(flags: DevicesFlags, deviceId: string, role: string, requested?: string[]): Promise<string[]> {
  if (role !== "operator") return [ADMIN];
  const listed = await fetchList(flags);
  const device = listed.ok ? listed.payload.paired.find((d) => d.deviceId === deviceId) : undefined;
  if (!device) return [ADMIN];
  const scopes = requested ?? device.tokens?.find((t) => t.role === role)?.scopes ?? device.scopes ?? [];
  return grantingScopes(["operator"], scopes);
}

async function tokenCommand(verb: "rotate" | "revoke", flags: DevicesFlags): Promise<number> {
  const deviceId = flags.device?.trim();
  const role = flags.role?.trim();
  if (!deviceId || !role) return fail("--device and --role are required. Run `clawgate devices list` to choose a paired device.");
  if (flags.noScopes && flags.scope) return fail("--scope and --no-scopes cannot be combined.");
  const scopes = flags.noScopes ? [] : flags.scope;
  const params = verb === "rotate" ? { deviceId, role, ...(scopes ? { scopes } : {}) } : { deviceId, role };
  const result = await rpc(flags, `device.token.${verb}`, params, await tokenScopes(flags, deviceId, role, scopes));
  if (!result.ok) return report(flags, result.failure, result.hint);
  // Upstream prints rotation and revocation metadata as JSON in both modes.
  printJson(result.payload);
  return EXIT.ok;
}

/** Runs `clawgate devices <verb>`. */
export async function devicesCommand(verb: string | undefined, args: string[], flags: DevicesFlags): Promise<number> {
  switch (verb) {
    case "list": {
      const listed = await fetchList(flags);
      return listed.ok ? listCommand(listed.payload, flags, Date.now()) : report(flags, listed.failure, listed.hint);
    }
    case "approve":
      return approveCommand(args[0], flags);
    case "reject": {
      const id = args[0]?.trim();
      if (!id) return fail("requestId is required. Run `clawgate devices list` to choose a pending request.");
      return simple(flags, "device.pair.reject", { requestId: id }, (p) => `${color.yellow("Rejected")} ${p.deviceId}`);
    }
    case "remove": {
      const id = args[0]?.trim();
      if (!id) return fail("deviceId is required. Run `clawgate devices list` to choose a paired device.");
      return simple(flags, "device.pair.remove", { deviceId: id }, (p) => `${color.yellow("Removed")} ${p.deviceId}`);
    }
    case "rename": {
      const deviceId = flags.device?.trim();
      const label = flags.name?.trim();
      if (!deviceId || !label) return fail("--device and --name are required. Run `clawgate devices list` to choose a paired device.");
      return simple(flags, "device.pair.rename", { deviceId, label }, (p) => `${color.green("Renamed")} ${p.deviceId} ${color.dim("→")} ${p.label}`);
    }
    case "rotate":
    case "revoke":
      return tokenCommand(verb, flags);
  }
  return fail(`unknown command: devices ${verb ?? ""}`.trim(), EXIT.usage, "Run `clawgate --help` for usage.");
}
