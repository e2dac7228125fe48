/**
 * `clawgate pairing list|approve|deny`: chat DM sender codes over
 * `channels.pairing.*`, with `openclaw pairing`'s arguments and wording.
 * `deny` comes from the original docs; upstream dropped it, clawgate keeps it.
 */
import { color, EXIT, fail, printJson } from "./output.ts";
import { report, rpc, type CommandFlags } from "./rpc-command.ts";
import { renderTable } from "./table.ts";

export interface PairingFlags extends CommandFlags {
  channel?: string;
  account?: string;
  notify?: boolean;
}

interface SenderRequest {
  requestId: string;
  channel: string;
  accountId: string;
  senderId: string;
  metadata?: Record<string, string>;
  createdAt: string;
  code: string;
}

const CHANNEL_ID = /^[a-z][a-z0-9_-]{0,63}$/;

/** A channel id as upstream's CLI accepts it, or an error message. */
function parseChannel(raw: string): { channel: string } | { error: string } {
  const value = raw.trim().toLowerCase();
  return CHANNEL_ID.test(value) ? { channel: value } : { error: `Invalid channel "${value}". Use lowercase letters, numbers, "_" or "-", for example "telegram".` };
}

/** `--account` may be omitted, but not blank. */
function parseAccount(raw: string | undefined): { accountId?: string } | { error: string } {
  if (raw === undefined) return {};
  return raw.trim() ? { accountId: raw.trim() } : { error: "--account must not be blank" };
}

async function listRequests(flags: PairingFlags, filter: { channel?: string; accountId?: string }) {
  return rpc<{ requests: SenderRequest[] }>(flags, "channels.pairing.list", filter);
}

async function listCommand(channelArg: string | undefined, flags: PairingFlags): Promise<number> {
  const raw = flags.channel ?? channelArg;
  let channel: string | undefined;
  if (raw !== undefined) {
    const parsed = parseChannel(raw);
    if ("error" in parsed) return fail(parsed.error);
    channel = parsed.channel;
    const positional = flags.channel && channelArg ? parseChannel(channelArg) : undefined;
    if (positional && (!("channel" in positional) || positional.channel !== channel)) {
      return fail(`Conflicting pairing channels: "${channel}" and "${channelArg}". Pass the channel either positionally or with --channel.`);
    }
  }
  const account = parseAccount(flags.account);
  if ("error" in account) return fail(account.error);
  const result = await listRequests(flags, { ...(channel ? { channel } : {}), ...account });
  if (!result.ok) return report(flags, result.failure, result.hint);
  const { requests } = result.payload;
  if (flags.json) {
    printJson({ ...(channel ? { channel } : {}), requests });
    return EXIT.ok;
  }
  if (requests.length === 0) {
    process.stdout.write(color.dim(`No pending ${channel ? `${channel} ` : ""}pairing requests.`) + "\n");
    return EXIT.ok;
  }
  const headers = ["Code", ...(channel ? [] : ["Channel"]), "Sender", "Meta", "Requested"];
  const rows = requests.map((r) => [r.code, ...(channel ? [] : [r.channel]), r.senderId, r.metadata ? JSON.stringify(r.metadata) : "", r.createdAt]);
  process.stdout.write(`${color.bold("Pairing requests")} ${color.dim(`(${requests.length})`)}\n${renderTable(headers, rows)}\n`);
  return EXIT.ok;
}

/**
 * `approve|deny [channel] <code>` or `--channel <channel> <code>`. Without a
 * channel the code is looked up among the pending requests.
 */
async function resolveCommand(approve: boolean, args: string[], flags: PairingFlags): Promise<number> {
  const verb = approve ? "approve" : "deny";
  const usage = `Usage: clawgate pairing ${verb} <channel> <code> (or: clawgate pairing ${verb} --channel <channel> <code>)`;
  if (flags.channel && args.length > 1) return fail(`Too many arguments. Use: clawgate pairing ${verb} --channel <channel> <code>`);
  const code = flags.channel ? args[0] : args.length > 1 ? args[1] : args[0];
  let channelRaw = flags.channel ?? (args.length > 1 ? args[0] : undefined);
  if (!code?.trim()) return fail(usage);
  const account = parseAccount(flags.account);
  if ("error" in account) return fail(account.error);
  if (channelRaw === undefined) {
    const listed = await listRequests(flags, account);
    if (!listed.ok) return report(flags, listed.failure, listed.hint);
    const wanted = code.trim().toUpperCase().replace(/-/g, "");
    const channels = [...new Set(listed.payload.requests.map((r) => r.channel))];
    channelRaw = listed.payload.requests.find((r) => r.code === wanted)?.channel ?? (channels.length === 1 ? channels[0] : undefined);
    if (channelRaw === undefined) return fail(usage);
  }
  const parsed = parseChannel(channelRaw);
  if ("error" in parsed) return fail(parsed.error);
  const { channel } = parsed;
  const method = approve ? "channels.pairing.approve" : "channels.pairing.dismiss";
  const result = await rpc<{ senderId: string; notification?: string }>(flags, method, { channel, ...account, code: code.trim(), ...(approve && flags.notify ? { notify: true } : {}) });
  if (!result.ok) {
    if (result.failure.message.startsWith("no pending pairing request for code")) {
      return fail(`No pending pairing request found for code "${code.trim()}". Run \`clawgate pairing list --channel ${channel}\` to list pending requests.`);
    }
    return report(flags, result.failure, result.hint);
  }
  if (flags.json) {
    printJson({ channel, ...result.payload });
    return EXIT.ok;
  }
  process.stdout.write(`${approve ? color.green("Approved") : color.yellow("Denied")} ${color.dim(channel)} sender ${result.payload.senderId}.\n`);
  if (result.payload.notification === "unsupported") process.stdout.write(color.yellow(`Failed to notify requester: ${channel} is not running on this gateway.`) + "\n");
  if (result.payload.notification === "failed") process.stdout.write(color.yellow(`Failed to notify requester: ${channel} did not accept the message (see the gateway log).`) + "\n");
  return EXIT.ok;
}

/** Runs `clawgate pairing <verb>`. */
export function pairingCommand(verb: string | undefined, args: string[], flags: PairingFlags): Promise<number> | number {
  switch (verb) {
    case "list":
      if (args.length > 1) return fail("Too many arguments. Use: clawgate pairing list [channel]");
      return listCommand(args[0], flags);
    case "approve":
      return resolveCommand(true, args, flags);
    case "deny":
      return resolveCommand(false, args, flags);
  }
  return fail(`unknown command: pairing ${verb ?? ""}`.trim(), EXIT.usage, "Run `clawgate --help` for usage.");
}
