/**
 * `clawgate channels list|status|add|remove` with `openclaw channels`' lines.
 * `status` asks the gateway (`channels.status`, `--probe` for live checks)
 * and prints one line per account ("- Telegram default: enabled, configured,
 * running, connected, mode:polling, bot:@name, dm:pairing, token:config,
 * works"); `list`, `add` and `remove` work on the local config file, as
 * upstream's do, and a running gateway picks the change up on reload.
 */
import { getAt, isPlainObject, setAt, unsetAt } from "../../../core/config/object-path.ts";
import { envFor } from "../config-env.ts";
import { readSecretFile } from "../secret-file.ts";
import type { ChannelAccountConfig, ChannelPlugin } from "../../../core/channels/contract.ts";
import type { HttpListen } from "../../../core/runtime.ts";
import { discordPlugin } from "../../../core/channels/discord/plugin.ts";
import { slackPlugin } from "../../../core/channels/slack/plugin.ts";
import { telegramPlugin } from "../../../core/channels/telegram/plugin.ts";
import type { OpenClawConfig } from "../../../core/config/schema.ts";
import { authDirFor, readSelf } from "../channels/whatsapp/auth-store.ts";
import { extensionDir, installed } from "../channels/whatsapp/extension.ts";
import { whatsappPlugin } from "../channels/whatsapp/plugin.ts";
import { CHANNEL_SETUP, SETUP_FLAGS, type SetupFlags } from "./channel-setup.ts";
import { currentPaths, readSnapshot } from "../state.ts";
import { openConfigEdit, writeEdit } from "./config-edit.ts";
import { EXIT, fail, printJson } from "./output.ts";
import { report, rpc, type CommandFlags } from "./rpc-command.ts";

export interface ChannelsStatusFlags extends CommandFlags {
  probe?: boolean;
  channel?: string;
}

type Account = Record<string, unknown> & { accountId?: string };

interface ChannelsStatus {
  channelLabels?: Record<string, string>;
  channelAccounts?: Record<string, Account[]>;
  statusIssues?: { channel: string; accountId: string; message: string; fix?: string }[];
}

const NO_CHANNELS = "- no configured chat channels (run `clawgate channels add --channel telegram --token <bot-token>` to add one)";
/** Upstream's formatTimeAgo. */
function ago(ms: number): string {
  const minutes = Math.round(Math.round(ms / 1000) / 60);
  if (minutes < 1) return "just now";
  if (minutes < 60) return `${minutes}m ago`;
  const hours = Math.round(minutes / 60);
  return hours < 48 ? `${hours}h ago` : `${Math.round(hours / 24)}d ago`;
}

/** One account's line, bit for bit in upstream's order (formatGatewayChannelsStatusLines). */
function accountLine(label: string, a: Account, now: number): string {
  const bits: string[] = [];
  if (typeof a.enabled === "boolean") bits.push(a.enabled ? "enabled" : "disabled");
  if (typeof a.configured === "boolean") bits.push(a.configured ? "configured" : "not configured");
  if (typeof a.linked === "boolean") bits.push(a.linked ? "linked" : "not linked");
  if (typeof a.lastError === "string" && a.lastError) bits.push(`error:${a.lastError}`);
  if (typeof a.running === "boolean") bits.push(a.running ? "running" : "stopped");
  if (typeof a.connected === "boolean") bits.push(a.connected ? "connected" : "disconnected");
  for (const [key, tag] of [["lastInboundAt", "in"], ["lastOutboundAt", "out"], ["lastTransportActivityAt", "transport"]] as const) {
    const at = a[key];
    if (typeof at === "number" && at > 0) bits.push(`${tag}:${ago(now - at)}`);
  }
  if (typeof a.mode === "string" && a.mode) bits.push(`mode:${a.mode}`);
  const bot = ((a.bot as { username?: string } | undefined)?.username ?? (a.probe as { bot?: { username?: string } } | undefined)?.bot?.username ?? "").trim();
  if (bot) bits.push(`bot:${bot.startsWith("@") ? bot : `@${bot}`}`);
  if (typeof a.dmPolicy === "string" && a.dmPolicy) bits.push(`dm:${a.dmPolicy}`);
  if (Array.isArray(a.allowFrom) && a.allowFrom.length > 0) bits.push(`allow:${a.allowFrom.slice(0, 2).join(",")}`);
  // appendTokenSourceBits: Discord's token, Slack's bot/app tokens and signing secret.
  for (const [key, tag] of [["tokenSource", "token"], ["botTokenSource", "bot"], ["appTokenSource", "app"], ["signingSecretSource", "signing"]] as const) {
    const source = a[key];
    if (typeof source === "string" && source && source !== "none") bits.push(`${tag}:${source}`);
  }
  if (typeof a.healthState === "string" && a.healthState) bits.push(`health:${a.healthState}`);
  if (typeof a.baseUrl === "string" && a.baseUrl) bits.push(`url:${a.baseUrl}`);
  const probe = a.probe as { ok?: unknown } | undefined;
  if (probe && typeof probe.ok === "boolean") bits.push(probe.ok ? "works" : "probe failed");
  const name = typeof a.name === "string" && a.name ? ` (${a.name})` : "";
  return `- ${label} ${a.accountId ?? "default"}${name}: ${bits.join(", ")}`;
}

/** The gateway's answer as lines. */
export function formatChannelsStatus(payload: ChannelsStatus, now = Date.now()): string[] {
  const lines = ["Gateway reachable."];
  const start = lines.length;
  for (const id of Object.keys(payload.channelAccounts ?? {}).sort()) {
    for (const account of payload.channelAccounts![id] ?? []) lines.push(accountLine(payload.channelLabels?.[id] ?? id, account, now));
  }
  if (lines.length === start) lines.push(NO_CHANNELS);
  lines.push("");
  const issues = payload.statusIssues ?? [];
  if (issues.length > 0) {
    lines.push("Warnings:");
    for (const i of issues) lines.push(`- ${i.channel} ${i.accountId}: ${i.message}${i.fix ? ` (${i.fix})` : ""}`);
    lines.push("- Run: clawgate doctor", "");
  }
  lines.push("Tip: `clawgate health` prints the gateway's own health probes.");
  return lines;
}

/** `channels status [--probe] [--channel <id>] [--json]`. */
export async function channelsStatus(flags: ChannelsStatusFlags): Promise<number> {
  const channel = flags.channel?.trim().toLowerCase();
  // As upstream: the label stands in for a spinner when stderr is not a terminal.
  if (!flags.json && !process.stderr.isTTY) process.stdout.write(flags.probe ? "Checking channel status (probe)…\n" : "Checking channel status…\n");
  const params = { probe: flags.probe === true, ...(flags.timeout ? { timeoutMs: flags.timeout } : {}), ...(channel && channel !== "all" ? { channel } : {}) };
  const result = await rpc<ChannelsStatus>(flags, "channels.status", params);
  if (!result.ok) return report(flags, result.failure);
  if (flags.json) {
    printJson(result.payload);
    return EXIT.ok;
  }
  process.stdout.write(formatChannelsStatus(result.payload).join("\n") + "\n");
  return EXIT.ok;
}

export interface ChannelsEditFlags extends SetupFlags, CommandFlags {
  channel?: string;
  account?: string;
  name?: string;
  delete?: boolean;
  all?: boolean;
}

/** The channel named positionally or by --channel, one of `known`. */
function channelArg(positional: string | undefined, flags: ChannelsEditFlags, known: readonly string[]): { id: string } | { error: string } {
  const raw = (flags.channel ?? positional ?? "").trim().toLowerCase();
  if (!raw) return { error: `Channel is required. Pass --channel <channel> (clawgate runs: ${known.join(", ")}).` };
  return known.includes(raw) ? { id: raw } : { error: `Unknown channel: ${raw}. clawgate runs: ${known.join(", ")}.` };
}

function accountArg(flags: ChannelsEditFlags): { id: string } | { error: string } {
  if (flags.account === undefined) return { id: "default" };
  return flags.account.trim() ? { id: flags.account.trim() } : { error: "--account must not be blank" };
}

/** The config readers of every channel, for listing and for the account keys `remove` clears. */
function channelPlugins(env: Record<string, string | undefined>, listenHttp: HttpListen): Record<string, ChannelPlugin> {
  return { telegram: telegramPlugin({ env, readSecretFile, listenHttp }), discord: discordPlugin(env), slack: slackPlugin(env) };
}

/** A channel as `channels list` shows it: its config reader, whether its support is installed, and whether an account is linked (WhatsApp). */
interface ListedChannel {
  id: string;
  label: string;
  docsPath: string;
  plugin: ChannelPlugin;
  installed: boolean;
  linked?(account: ChannelAccountConfig): boolean;
}

function listedChannels(env: Record<string, string | undefined>, listenHttp: HttpListen, stateDir: string, config: OpenClawConfig): ListedChannel[] {
  const bundled = Object.entries(channelPlugins(env, listenHttp)).map(([id, plugin]) => ({ id, label: CHANNEL_SETUP[id]!.label, docsPath: CHANNEL_SETUP[id]!.docsPath, plugin, installed: true }));
  // WhatsApp support is the optional Baileys install; an account is linked once its session files name the phone.
  const whatsapp: ListedChannel = {
    id: "whatsapp", label: "WhatsApp", docsPath: "/channels/whatsapp", plugin: whatsappPlugin(stateDir, () => config),
    installed: installed(extensionDir(stateDir)),
    linked: (a) => readSelf(authDirFor(stateDir, a.accountId, typeof a.details.authDir === "string" ? a.details.authDir : undefined)) !== undefined,
  };
  return [...bundled, whatsapp];
}

/** `channels list` tags of one account, as upstream prints them (`token=***`, Slack's `bot=config, app=env`, WhatsApp's `linked`). */
function listTags(c: ListedChannel, a: ChannelAccountConfig): string[] {
  const tags = [c.installed ? "installed" : "not installed", a.configured ? "configured" : "not configured", a.enabled ? "enabled" : "disabled"];
  if (c.linked) tags.push(c.linked(a) ? "linked" : "not linked");
  const source = (key: string) => (typeof a.details[key] === "string" && a.details[key] !== "none" ? (a.details[key] as string) : undefined);
  if (source("tokenSource")) tags.push("token=***");
  for (const [key, tag] of [["botTokenSource", "bot"], ["appTokenSource", "app"], ["signingSecretSource", "signing"]] as const) {
    const s = source(key);
    if (s) tags.push(`${tag}=${s}`);
  }
  return tags;
}

/** `channels list [--all] [--json]`: configured accounts from the local config, upstream's lines. */
export function channelsList(flags: ChannelsEditFlags, listenHttp: HttpListen): number {
  const paths = currentPaths(flags.profile);
  const snapshot = readSnapshot(paths.configPath);
  const config = snapshot.config ?? {};
  const listed = listedChannels(envFor(snapshot.parsed), listenHttp, paths.stateDir, config).map((c) => ({ ...c, accounts: c.plugin.accounts(config) })).filter((c) => c.accounts.length > 0 || flags.all);
  if (flags.json) {
    const chat = Object.fromEntries(listed.map((c) => [c.id, { accounts: c.accounts.map((a) => a.accountId), label: c.label, docsPath: c.docsPath, installed: c.installed, origin: c.accounts.length > 0 ? "configured" : "bundled" }]));
    printJson({ chat });
    return EXIT.ok;
  }
  const lines = ["Chat channels:"];
  for (const c of listed) {
    // As upstream: a channel whose support is not installed shows as its catalog entry.
    if (c.accounts.length === 0) lines.push(`- ${c.label}: ${c.installed ? "installed, not configured" : "not installed, not configured, disabled"}`);
    for (const a of c.accounts) lines.push(`- ${c.label} ${a.accountId}${a.name ? ` (${a.name})` : ""}: ${listTags(c, a).join(", ")}`);
  }
  if (listed.length === 0) lines.push("- no configured chat channels (run `clawgate channels list --all` to see installable channels)");
  process.stdout.write(`${lines.join("\n")}\n`);
  return EXIT.ok;
}

/** `channels add --channel <id> [--account <id>] [--name <n>]` plus the channel's own credential flags (./channel-setup.ts). */
export function channelsAdd(positional: string | undefined, flags: ChannelsEditFlags): number {
  const named = channelArg(positional, flags, Object.keys(CHANNEL_SETUP));
  if ("error" in named) return fail(named.error);
  const channel = { id: named.id, setup: CHANNEL_SETUP[named.id]! };
  const foreign = SETUP_FLAGS.find((f) => flags[f] !== undefined && flags[f] !== false && !channel.setup.flags.includes(f));
  if (foreign) return fail(`clawgate does not recognize option "--${foreign}" for \`channels add --channel ${channel.id}\`.`, EXIT.usage, `${channel.setup.label} takes ${channel.setup.flags.map((f) => `--${f}`).join(", ")}.`);
  const account = accountArg(flags);
  if ("error" in account) return fail(account.error);
  const opened = openConfigEdit(currentPaths(flags.profile).configPath);
  if ("error" in opened) return fail(opened.error);
  const doc = opened.base;
  const base = ["channels", channel.id];
  const at = account.id === "default" && !isPlainObject(getAt(doc, [...base, "accounts", "default"])) ? base : [...base, "accounts", account.id];
  const current = getAt(doc, at);
  const edit = channel.setup.edit({ flags, accountId: account.id, env: envFor(doc), current: isPlainObject(current) ? current : {} });
  if ("error" in edit) return fail(edit.error);
  let next: unknown = setAt(doc, [...base, "enabled"], true);
  if (at !== base) next = setAt(next, [...at, "enabled"], true);
  if (flags.name !== undefined) next = setAt(next, [...at, "name"], flags.name);
  for (const key of edit.unset) next = unsetAt(next, [...at, key]);
  for (const [key, value] of Object.entries(edit.set)) next = setAt(next, [...at, key], value);
  const problem = writeEdit(opened, next as Record<string, unknown>);
  if (problem) return fail(problem, EXIT.config);
  process.stdout.write(`Added ${channel.setup.label} account "${account.id}".\n`);
  return EXIT.ok;
}

/**
 * Upstream's stopGatewayRuntimeBeforeRemove: the running gateway stops the account (`channels.stop`) before its
 * config changes, so a live listener (WhatsApp's linked session) stops receiving at once; an unreachable gateway is
 * reported and the removal goes on.
 */
async function stopBeforeRemove(flags: ChannelsEditFlags, channel: string, label: string, accountId: string): Promise<void> {
  const stopped = await rpc(flags, "channels.stop", { channel, accountId });
  if (!stopped.ok) process.stdout.write(`Could not stop running ${label} account "${accountId}" before removing it: ${stopped.failure.message}\n`);
}

/** `channels remove --channel <id> [--account <id>] [--delete]`: disables, or with --delete removes, the account; WhatsApp's session files stay. */
export async function channelsRemove(positional: string | undefined, flags: ChannelsEditFlags, listenHttp: HttpListen): Promise<number> {
  const named = channelArg(positional, flags, [...Object.keys(CHANNEL_SETUP), "whatsapp"]);
  if ("error" in named) return fail(named.error);
  const account = accountArg(flags);
  if ("error" in account) return fail(account.error);
  const paths = currentPaths(flags.profile);
  const opened = openConfigEdit(paths.configPath);
  if ("error" in opened) return fail(opened.error);
  const { snapshot } = opened;
  const config = snapshot.config ?? {};
  const { label, plugin, installed } = listedChannels(envFor(snapshot.parsed), listenHttp, paths.stateDir, config).find((c) => c.id === named.id)!;
  if (!installed) return fail(`Channel plugin "${named.id}" is not installed. Run clawgate channels add --channel ${named.id} first.`);
  const base = ["channels", named.id];
  if (!isPlainObject(getAt(snapshot.parsed, base))) return fail(`${label} account "${account.id}" is not configured.`);
  const known = plugin.accounts(config).map((a) => a.accountId);
  if (!known.includes(account.id)) {
    return fail(`${label} has no account "${account.id}" to remove. Known accounts: ${known.join(", ") || "none"}. Run clawgate channels status --channel ${named.id} to inspect configured accounts.`);
  }
  const own = getAt(snapshot.parsed, [...base, "accounts", account.id]);
  const others = Object.keys((getAt(snapshot.parsed, [...base, "accounts"]) ?? {}) as object).filter((id) => id !== account.id);
  let next: unknown;
  if (!flags.delete) next = setAt(snapshot.parsed, [...(isPlainObject(own) ? [...base, "accounts", account.id] : base), "enabled"], false);
  else if (isPlainObject(own)) next = unsetAt(snapshot.parsed, [...base, "accounts", account.id]);
  // The default account at the root of a channel that has named accounts too: only its own credentials and name go.
  else if (others.length > 0) next = [...plugin.credentialPaths(config, account.id), [...base, "name"]].reduce((doc, path) => unsetAt(doc, path), snapshot.parsed as unknown);
  else next = unsetAt(snapshot.parsed, base);
  await stopBeforeRemove(flags, named.id, label, account.id);
  const problem = writeEdit(opened, next as Record<string, unknown>);
  if (problem) return fail(problem, EXIT.config);
  process.stdout.write(`${flags.delete ? "Deleted" : "Disabled"} ${label} account "${account.id}".\n`);
  return EXIT.ok;
}
