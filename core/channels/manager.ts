/**
 * The channel service: which channels the gateway knows (plugins), which of
 * their accounts run, their status in upstream's `channels.status` shape,
 * start/stop/logout of one account, and `send` for everything that delivers
 * a message (the `send` RPC, hooks, tools). A channel with no configured
 * account never loads its adapter code. Runtime-agnostic.
 */
import type { Agents } from "../agent/agents.ts";
import type { OpenClawConfig } from "../config/schema.ts";
import type { ConfigService } from "../config/service.ts";
import { invalidRequest, unavailable } from "../protocol/errors.ts";
import type { Logger } from "../runtime.ts";
import type { SenderPairing } from "../sender-pairing/sender-pairing.ts";
import type { ChannelStore } from "../store.ts";
import { clearConfigPaths } from "./credentials.ts";
import type { ChannelAccountConfig, ChannelAccountSnapshot, ChannelAdapter, ChannelPlugin, ChannelQrLogin, ChannelStatusIssue, ChannelWebhook, QrLoginStart, QrLoginWait } from "./contract.ts";
import { ChannelPipeline, PAIRING_APPROVED_MESSAGE, type LiveAccount } from "./pipeline.ts";

export interface ChannelManagerDeps {
  plugins: readonly ChannelPlugin[];
  store: ChannelStore;
  agents: Pick<Agents, "runs" | "sessions">;
  senders: Pick<SenderPairing, "request" | "isAllowed">;
  config(): OpenClawConfig;
  now(): number;
  logger: Logger;
  /** The config file behind `channels.logout`; absent when embedded without one. */
  configService?: () => ConfigService | undefined;
}

/** What `send` needs; `to` is the service's chat id. */
export interface ChannelSendRequest {
  channel: string;
  accountId?: string;
  to: string;
  text: string;
  replyToId?: string;
  threadId?: string;
  /** Makes a retried send deliver once. */
  idempotencyKey: string;
}

export interface ChannelSendResult {
  channel: string;
  accountId: string;
  chatId: string;
  messageId: string;
  /** Every chunk's message id, when the text took more than one message. */
  messageIds: string[];
}

interface Slot extends LiveAccount {
  channel: string;
  accountId: string;
  startedAt: number;
  /** The account's settings it was started with (connectionSettings). */
  settings: string;
}

/**
 * What a running account was started with: everything but its access
 * settings and name, which are read per message. When a reload changes it
 * (a new token, apiRoot, mode), the account restarts.
 */
function connectionSettings(account: ChannelAccountConfig): string {
  const { access: _access, name: _name, ...rest } = account;
  return JSON.stringify(rest);
}

export class ChannelManager {
  private readonly plugins = new Map<string, ChannelPlugin>();
  private readonly running = new Map<string, Slot>();
  /** Accounts stopped by `channels.stop`: not started again until `channels.start` or a restart. */
  private readonly stoppedByOwner = new Set<string>();
  /** Account start failures (no token, a loader error), shown in status. */
  private readonly startErrors = new Map<string, string>();
  private readonly lastStop = new Map<string, number>();
  /** Accounts whose adapter is loading: a second start (a reload racing the first) is skipped. */
  private readonly starting = new Set<string>();
  private stopping = false;
  readonly pipeline: ChannelPipeline;

  constructor(private readonly deps: ChannelManagerDeps) {
    for (const plugin of deps.plugins) this.plugins.set(plugin.id, plugin);
    this.pipeline = new ChannelPipeline({ ...deps, live: (channel, accountId) => this.running.get(key(channel, accountId)) });
  }

  /** Channels ids the gateway knows, in registration order. */
  ids(): string[] {
    return [...this.plugins.keys()];
  }

  /** Channels with at least one account in the config. */
  configuredIds(config = this.deps.config()): string[] {
    return this.ids().filter((id) => this.plugins.get(id)!.accounts(config).length > 0);
  }

  /** Starts every enabled account of every configured channel; failures are logged and shown in status. */
  async start(): Promise<void> {
    const config = this.deps.config();
    const starts: Promise<unknown>[] = [];
    for (const plugin of this.plugins.values()) {
      for (const account of plugin.accounts(config)) {
        if (account.enabled && account.configured) starts.push(this.startAccount(plugin.id, account.accountId).catch(() => undefined));
      }
    }
    await Promise.all(starts);
  }

  /**
   * After a config reload: accounts now disabled, unconfigured or gone stop;
   * accounts whose connection settings changed restart; enabled, configured
   * accounts that do not run start (unless the owner stopped them with
   * `channels.stop`). Access settings are read per message, so policy changes
   * need no restart.
   */
  async reconcile(): Promise<void> {
    if (this.stopping) return;
    const config = this.deps.config();
    const wanted = new Set<string>();
    for (const plugin of this.plugins.values()) {
      for (const a of plugin.accounts(config)) if (a.enabled && a.configured) wanted.add(key(plugin.id, a.accountId));
    }
    const changed = (slot: Slot) => {
      const now = slot.account();
      return now !== undefined && connectionSettings(now) !== slot.settings;
    };
    const stops = [...this.running.values()].filter((slot) => !wanted.has(key(slot.channel, slot.accountId)) || changed(slot)).map((slot) => this.stopSlot(slot));
    await Promise.all(stops);
    const starts: Promise<unknown>[] = [];
    for (const plugin of this.plugins.values()) {
      for (const a of plugin.accounts(config)) {
        const k = key(plugin.id, a.accountId);
        if (wanted.has(k) && !this.running.has(k) && !this.stoppedByOwner.has(k)) starts.push(this.startAccount(plugin.id, a.accountId).catch(() => undefined));
      }
    }
    await Promise.all(starts);
  }

  /** Stops every running account (gateway shutdown). */
  async stop(): Promise<void> {
    this.stopping = true;
    this.pipeline.stop();
    await Promise.all([...this.running.values()].map((slot) => this.stopSlot(slot)));
  }

  private plugin(channel: string): ChannelPlugin {
    const plugin = this.plugins.get(channel.trim().toLowerCase());
    if (!plugin) throw invalidRequest(`unsupported channel: ${channel}`);
    return plugin;
  }

  private account(plugin: ChannelPlugin, accountId: string | undefined): ChannelAccountConfig {
    const config = this.deps.config();
    const id = accountId?.trim() || plugin.defaultAccountId(config);
    const account = plugin.accounts(config).find((a) => a.accountId === id);
    if (!account) throw invalidRequest(`unknown ${plugin.id} account: ${id}`);
    return account;
  }

  /** `channels.start`: loads and starts one account. */
  async startAccount(channel: string, accountId?: string): Promise<{ channel: string; accountId: string; started: boolean; outcome: { status: string; reason?: string } }> {
    const plugin = this.plugin(channel);
    const account = this.account(plugin, accountId);
    const k = key(plugin.id, account.accountId);
    this.stoppedByOwner.delete(k);
    const result = (outcome: { status: string; reason?: string }) => ({ channel: plugin.id, accountId: account.accountId, started: this.running.has(k), outcome });
    if (this.running.has(k) || this.starting.has(k)) return result({ status: "skipped", reason: "already-running" });
    if (this.stopping) return result({ status: "skipped", reason: "gateway-stopping" });
    if (!account.enabled) return result({ status: "skipped", reason: "disabled" });
    if (!account.configured) return result({ status: "skipped", reason: "not-configured" });
    let adapter: ChannelAdapter;
    this.starting.add(k);
    try {
      const factory = await plugin.load();
      adapter = factory({
        channel: plugin.id,
        accountId: account.accountId,
        config: this.deps.config,
        inbound: this.pipeline.sink(plugin.id, account.accountId),
        logger: this.deps.logger,
        now: this.deps.now,
      });
    } catch (error) {
      this.startErrors.set(k, String(error));
      this.deps.logger.error(`channels/${plugin.id}`, `failed to load channel adapter: ${String(error)}`, { accountId: account.accountId });
      return result({ status: "retry", reason: "load-failed" });
    } finally {
      this.starting.delete(k);
    }
    const slot: Slot = {
      channel: plugin.id, accountId: account.accountId, plugin, adapter, startedAt: this.deps.now(), settings: connectionSettings(account),
      account: () => plugin.accounts(this.deps.config()).find((a) => a.accountId === account.accountId),
    };
    this.running.set(k, slot);
    this.startErrors.delete(k);
    try {
      await adapter.start();
    } catch (error) {
      // The adapter reports its own failure in status(); the gateway and other accounts go on.
      this.deps.logger.error(`channels/${plugin.id}`, `account did not start: ${String(error)}`, { accountId: account.accountId });
    }
    this.pipeline.resume(plugin.id, account.accountId);
    return result({ status: "handed-off" });
  }

  /** `channels.stop`: stops one account, keeping its credentials and queue. */
  async stopAccount(channel: string, accountId?: string): Promise<{ channel: string; accountId: string; stopped: boolean }> {
    const plugin = this.plugin(channel);
    const account = this.account(plugin, accountId);
    const k = key(plugin.id, account.accountId);
    this.stoppedByOwner.add(k);
    const slot = this.running.get(k);
    if (slot) await this.stopSlot(slot);
    return { channel: plugin.id, accountId: account.accountId, stopped: !this.running.has(k) };
  }

  /**
   * `channels.logout`: stops the account and removes its credentials from the
   * config file, as upstream; `loggedOut` is false while another source (an
   * environment token) still configures it.
   */
  async logout(channel: string, accountId?: string): Promise<{ channel: string; accountId: string; cleared: boolean; loggedOut: boolean }> {
    const plugin = this.plugin(channel);
    const account = this.account(plugin, accountId);
    await this.stopAccount(plugin.id, account.accountId);
    if (plugin.clearCredentials) {
      const cleared = await plugin.clearCredentials(account.accountId);
      return { channel: plugin.id, accountId: account.accountId, cleared, loggedOut: true };
    }
    const service = this.deps.configService?.();
    if (!service) throw unavailable("channels.logout needs the gateway's config file (this gateway runs without one)");
    const cleared = clearConfigPaths(service, plugin.credentialPaths(this.deps.config(), account.accountId));
    const after = plugin.accounts(this.deps.config()).find((a) => a.accountId === account.accountId);
    return { channel: plugin.id, accountId: account.accountId, cleared, loggedOut: !after?.configured };
  }

  private async stopSlot(slot: Slot): Promise<void> {
    const k = key(slot.channel, slot.accountId);
    this.running.delete(k);
    this.lastStop.set(k, this.deps.now());
    try {
      await slot.adapter.stop();
    } catch (error) {
      this.deps.logger.warn(`channels/${slot.channel}`, `account did not stop cleanly: ${String(error)}`, { accountId: slot.accountId });
    }
  }

  /**
   * `web.login.start`, as upstream's handler: the account is stopped first when it does not run (or `force`
   * relinks), so the login connection is the only one using its session; a running account is stopped only once
   * the answer carries a QR; a login that linked at once starts the account.
   */
  async loginStart(params: { channel?: string; accountId?: string; force?: boolean; timeoutMs?: number }): Promise<QrLoginStart> {
    const { plugin, login, accountId } = this.qrLogin(params);
    const wasRunning = this.running.has(key(plugin.id, accountId));
    const force = params.force === true;
    const stoppedBefore = force || !wasRunning;
    if (stoppedBefore) await this.stopQuietly(plugin.id, accountId);
    const result = await login.start({ accountId, force, running: wasRunning && !force, ...(params.timeoutMs !== undefined ? { timeoutMs: params.timeoutMs } : {}) });
    const stoppedAfter = !stoppedBefore && result.qrDataUrl !== undefined;
    if (stoppedAfter) await this.stopQuietly(plugin.id, accountId);
    if ((result.connected && (stoppedBefore || stoppedAfter)) || (wasRunning && stoppedBefore && !result.qrDataUrl)) await this.startQuietly(plugin.id, accountId);
    return result;
  }

  /** `web.login.wait`: waits for the scan; once linked, the account starts. */
  async loginWait(params: { channel?: string; accountId?: string; timeoutMs?: number; currentQrDataUrl?: string }): Promise<QrLoginWait> {
    const { plugin, login, accountId } = this.qrLogin(params);
    const result = await login.wait({ accountId, ...(params.timeoutMs !== undefined ? { timeoutMs: params.timeoutMs } : {}), ...(params.currentQrDataUrl ? { currentQrDataUrl: params.currentQrDataUrl } : {}) });
    if (result.connected) await this.startQuietly(plugin.id, accountId);
    return result;
  }

  /** The channel that owns QR login (the named one, else the first that has it), and the account meant. */
  private qrLogin(params: { channel?: string; accountId?: string }): { plugin: ChannelPlugin; login: ChannelQrLogin; accountId: string } {
    const named = params.channel?.trim().toLowerCase();
    const plugin = named ? this.plugins.get(named) : [...this.plugins.values()].find((p) => p.login);
    if (!plugin) throw invalidRequest("web login provider is not available");
    if (!plugin.login) throw invalidRequest(`web login is not supported by provider ${plugin.id}`);
    const accountId = params.accountId?.trim().toLowerCase() || plugin.defaultAccountId(this.deps.config());
    return { plugin, login: plugin.login, accountId };
  }

  /** Stops an account that the config may not name yet (a login before the reload that adds it). */
  private async stopQuietly(channel: string, accountId: string): Promise<void> {
    const slot = this.running.get(key(channel, accountId));
    if (slot) await this.stopSlot(slot);
  }

  /** Starts an account after a login; one the config does not name yet starts on the reload that adds it. */
  private async startQuietly(channel: string, accountId: string): Promise<void> {
    await this.startAccount(channel, accountId).catch((error: unknown) => {
      this.deps.logger.info(`channels/${channel}`, `account not started after login: ${String(error)}`, { accountId });
    });
  }

  /** The running account's webhook served at `path`, if any (Slack HTTP Events mode). */
  webhook(path: string): ChannelWebhook | undefined {
    for (const slot of this.running.values()) if (slot.adapter.webhook?.path === path) return slot.adapter.webhook;
    return undefined;
  }

    /** Whether an account of `channel` runs (the default one when no id is given). */
  isRunning(channel: string, accountId?: string): boolean {
    const plugin = this.plugins.get(channel);
    if (!plugin) return false;
    return this.running.has(key(plugin.id, accountId ?? plugin.defaultAccountId(this.deps.config())));
  }

  /**
   * Delivers text to a chat through the outbox, chunked to the account's
   * limit; a repeated idempotencyKey answers with the first delivery.
   */
  async send(request: ChannelSendRequest): Promise<ChannelSendResult> {
    const plugin = this.plugin(request.channel);
    const account = this.account(plugin, request.accountId);
    if (!this.running.has(key(plugin.id, account.accountId))) throw unavailable(`${plugin.label} account ${account.accountId} is not running`);
    const records = await this.pipeline.send({ channel: plugin.id, accountId: account.accountId, to: request.to, text: request.text, key: `send:${request.idempotencyKey}`, replyToId: request.replyToId, threadId: request.threadId }, plugin, account);
    const failed = records.find((r) => r.state === "failed");
    if (failed) throw invalidRequest(`${plugin.label} refused the message: ${failed.error}`);
    const pending = records.find((r) => r.state !== "sent");
    if (pending) throw unavailable(`${plugin.label} did not accept the message yet; it stays queued and is retried`);
    const ids = records.map((r) => r.messageId ?? "");
    return { channel: plugin.id, accountId: account.accountId, chatId: request.to, messageId: ids[0] ?? "", messageIds: ids };
  }

  /** Tells a sender whose pairing was approved (`pairing approve --notify`); false when the account does not run. */
  async notifyApproved(channel: string, accountId: string, senderId: string, requestId: string): Promise<boolean> {
    if (!this.running.has(key(channel, accountId))) return false;
    const result = await this.send({ channel, accountId, to: senderId, text: PAIRING_APPROVED_MESSAGE, idempotencyKey: `pairing-approved:${requestId}` }).catch((error: unknown) => {
      this.deps.logger.warn(`channels/${channel}`, `pairing approval notice not delivered: ${String(error)}`, { accountId });
      return undefined;
    });
    return result !== undefined;
  }

  /** `channels.status` in upstream's shape; `probe` checks each running account's credentials. */
  async status(params: { probe?: boolean; timeoutMs?: number; channel?: string }): Promise<ChannelsStatus> {
    const config = this.deps.config();
    const wanted = params.channel?.trim().toLowerCase();
    if (wanted && !this.plugins.has(wanted)) throw invalidRequest(`unknown channel: ${params.channel}`);
    const out: ChannelsStatus = {
      ts: this.deps.now(), channelOrder: [], channelLabels: {}, channelDetailLabels: {}, channelSystemImages: {}, channelMeta: [],
      channels: {}, channelAccounts: {}, channelDefaultAccountId: {}, statusIssues: [],
    };
    for (const plugin of this.plugins.values()) {
      if (wanted && plugin.id !== wanted) continue;
      const accounts = plugin.accounts(config);
      if (accounts.length === 0) continue;
      out.channelOrder.push(plugin.id);
      out.channelLabels[plugin.id] = plugin.label;
      out.channelDetailLabels[plugin.id] = plugin.detailLabel ?? plugin.label;
      if (plugin.systemImage) out.channelSystemImages[plugin.id] = plugin.systemImage;
      out.channelMeta.push({ id: plugin.id, label: plugin.label, detailLabel: plugin.detailLabel ?? plugin.label, ...(plugin.systemImage ? { systemImage: plugin.systemImage } : {}) });
      const defaultId = plugin.defaultAccountId(config);
      out.channelDefaultAccountId[plugin.id] = defaultId;
      const snapshots = await Promise.all(accounts.map((a) => this.snapshot(plugin, a, params.probe === true, params.timeoutMs ?? 10_000)));
      out.channelAccounts[plugin.id] = snapshots;
      const primary = snapshots.find((s) => s.accountId === defaultId) ?? snapshots[0]!;
      out.channels[plugin.id] = { configured: primary.configured, running: primary.running, ...(primary.lastError ? { lastError: primary.lastError } : {}) };
      for (const s of snapshots) {
        const issue = issueOf(plugin, s);
        if (issue && out.statusIssues.length < 50) out.statusIssues.push(issue);
      }
    }
    return out;
  }

  private async snapshot(plugin: ChannelPlugin, account: ChannelAccountConfig, probe: boolean, timeoutMs: number): Promise<ChannelAccountSnapshot> {
    const k = key(plugin.id, account.accountId);
    const slot = this.running.get(k);
    const base: ChannelAccountSnapshot = {
      accountId: account.accountId,
      ...(account.name ? { name: account.name } : {}),
      enabled: account.enabled,
      configured: account.configured,
      ...account.details,
      running: false,
      dmPolicy: account.access.dmPolicy,
      ...(account.access.allowFrom.length > 0 ? { allowFrom: account.access.allowFrom } : {}),
      lastStopAt: this.lastStop.get(k) ?? null,
    };
    const startError = this.startErrors.get(k);
    if (startError) base.lastError = startError;
    if (!slot) return base;
    const live: ChannelAccountSnapshot = {
      ...base, ...slot.adapter.status(), accountId: account.accountId, running: true, lastStartAt: slot.startedAt,
      lastInboundAt: slot.lastInboundAt ?? null, lastOutboundAt: slot.lastOutboundAt ?? null,
    };
    if (probe) {
      live.probe = await slot.adapter.probe(timeoutMs).catch((error: unknown) => ({ ok: false, error: String(error) }));
      live.lastProbeAt = this.deps.now();
    }
    return live;
  }
}

/** `channels.status`' result (upstream's ChannelsStatusResultSchema). */
export interface ChannelsStatus {
  ts: number;
  channelOrder: string[];
  channelLabels: Record<string, string>;
  channelDetailLabels: Record<string, string>;
  channelSystemImages: Record<string, string>;
  channelMeta: { id: string; label: string; detailLabel: string; systemImage?: string }[];
  channels: Record<string, unknown>;
  channelAccounts: Record<string, ChannelAccountSnapshot[]>;
  channelDefaultAccountId: Record<string, string>;
  statusIssues: ChannelStatusIssue[];
}

function key(channel: string, accountId: string): string {
  return `${channel}\0${accountId}`;
}

/** The one issue an account shows, if any: missing credentials, a refused token, a runtime error. */
function issueOf(plugin: ChannelPlugin, s: ChannelAccountSnapshot): ChannelStatusIssue | undefined {
  const channel = plugin.id;
  if (s.enabled && !s.configured) return { channel, accountId: s.accountId, kind: "config", ...plugin.missingCredentials };
  const own = s.enabled ? plugin.statusIssue?.(s) : undefined;
  if (own) return own;
  if (!s.lastError) return undefined;
  const kind = s.healthState === "unauthorized" ? "auth" : "runtime";
  return { channel, accountId: s.accountId, kind, message: String(s.lastError) };
}
