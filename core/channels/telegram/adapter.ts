/**
 * One Telegram bot account on grammY's Bot API client (loaded only when a
 * Telegram account is enabled): `getMe` for the bot's identity, the update
 * source (long polling, ./polling.ts, or webhook mode, ./webhook.ts) feeding
 * the framework's durable inbound path, `send` in HTML with a plain-text
 * retry when Telegram refuses the entities, replies threaded to the message
 * they answer, 429 `retry_after` honoured, typing, and `probe` = getMe +
 * getWebhookInfo. Runtime-agnostic: grammY's Web build (fetch, no Node
 * shims); the host gives the token file, the environment and the webhook
 * listener (TelegramHost).
 */
import { Api } from "grammy/web";
import { PermanentDeliveryError, type ChannelAccountContext, type ChannelAccountSnapshot, type ChannelAdapter, type ChannelProbe, type OutboundMessage, type SentMessage } from "../contract.ts";
import type { HttpListen, HttpListener } from "../../runtime.ts";
import { telegramAccounts, type TelegramAccount, type TelegramSources, type TelegramWebhookSettings } from "./config.ts";
import { apiFailure, pause } from "./errors.ts";
import { toTelegramHtml } from "./format.ts";
import { normalizeUpdate } from "./normalize.ts";
import { TelegramPolling, type PollingTuning } from "./polling.ts";
import { telegramWebhookHandler, webhookSettingsProblem } from "./webhook.ts";

/** grammY types its signals with the abort-controller polyfill's AbortSignal; the Web one is what it receives at run time. */
type GrammySignal = Parameters<Api["getMe"]>[0];
const signalOf = (signal: AbortSignal): GrammySignal => signal as unknown as GrammySignal;

/** How many times one send waits out a 429 before the outbox retries it later. */
const MAX_RATE_LIMIT_WAITS = 3;
/** Client-side ceiling of a single Bot API request other than getUpdates (s). */
const REQUEST_TIMEOUT_S = 30;

/** What the Telegram channel needs from its host: the environment and `tokenFile` (config), and webhook mode's own listener. */
export interface TelegramHost extends TelegramSources {
  listenHttp: HttpListen;
}

export interface TelegramAdapterOptions {
  host: TelegramHost;
  tuning?: Partial<PollingTuning>;
}

export class TelegramAdapter implements ChannelAdapter {
  private readonly api: Api;
  private readonly account: TelegramAccount;
  private bot?: { id: number; username: string; first_name: string };
  private polling?: TelegramPolling;
  private webhookMode?: { listener: HttpListener; advertised: boolean; lastUpdateAt: number | null };
  private registration?: Promise<void>;
  private identity?: Promise<void>;
  private readonly stopper = new AbortController();
  private startError: string | null = null;

  constructor(private readonly ctx: ChannelAccountContext, private readonly options: TelegramAdapterOptions) {
    const account = telegramAccounts(ctx.config(), options.host).find((a) => a.accountId === ctx.accountId);
    if (!account?.token) throw new Error(`telegram account ${ctx.accountId} has no bot token`);
    this.account = account;
    // getUpdates holds its request open for the long-poll window: the client timeout must outlast it.
    const pollTimeoutS = options.tuning?.pollTimeoutS ?? 30;
    this.api = new Api(account.token, { apiRoot: account.apiRoot, timeoutSeconds: Math.max(REQUEST_TIMEOUT_S, pollTimeoutS + 10) });
  }

  /** Resolves after the first getMe answered or failed; an unreachable API keeps being retried in the background. */
  async start(): Promise<void> {
    let firstAttempt!: () => void;
    const attempted = new Promise<void>((resolve) => (firstAttempt = resolve));
    this.identity = this.resolveIdentity(firstAttempt).finally(firstAttempt);
    await attempted;
  }

  /** getMe until it answers; a refused token ends the attempt (status shows why). */
  private async resolveIdentity(firstAttempt: () => void): Promise<void> {
    let attempt = 0;
    while (!this.stopper.signal.aborted) {
      try {
        const me = await this.api.getMe(signalOf(this.stopper.signal));
        this.bot = { id: me.id, username: me.username, first_name: me.first_name };
        this.startError = null;
        const { webhook } = this.account;
        this.ctx.logger.info("channels/telegram", `Telegram bot @${me.username} connected; ${webhook ? "webhook" : "long polling"}`, { accountId: this.ctx.accountId });
        if (webhook) await this.startWebhook(webhook);
        else this.startPolling();
        return;
      } catch (error) {
        if (this.stopper.signal.aborted) return;
        const failure = apiFailure(error);
        if (failure.code === 401 || failure.code === 404) {
          this.startError = `Telegram rejected the bot token (${failure.code} ${failure.description}). Check channels.telegram.botToken / tokenFile / TELEGRAM_BOT_TOKEN.`;
          this.ctx.logger.error("channels/telegram", this.startError, { accountId: this.ctx.accountId });
          return;
        }
        this.startError = `Telegram getMe failed: ${failure.code ? `${failure.code} ${failure.description}` : `network error (${failure.description}) reaching ${this.account.apiRoot}`}; retrying`;
        if (attempt === 0) this.ctx.logger.warn("channels/telegram", this.startError, { accountId: this.ctx.accountId });
        firstAttempt();
        await pause(Math.min(30_000, 2_000 * 1.8 ** attempt++), this.stopper.signal);
      }
    }
  }

  private startPolling(): void {
    const { inbound } = this.ctx;
    this.polling = new TelegramPolling({
      api: {
        deleteWebhook: (other, signal) => this.api.deleteWebhook(other, signal && signalOf(signal)),
        getUpdates: (other, signal) => this.api.getUpdates(other as Parameters<Api["getUpdates"]>[0], signal && signalOf(signal)),
      },
      accountId: this.ctx.accountId,
      logger: this.ctx.logger,
      now: this.ctx.now,
      tuning: this.options.tuning,
      initialOffset: () => {
        const stored = Number(inbound.cursor());
        return Number.isSafeInteger(stored) && stored > 0 ? stored : undefined;
      },
      deliver: (updates) => this.ingest(updates),
    });
    this.polling.start();
  }

  /**
   * The one entry every update source feeds (long polling here; a webhook
   * source the same way): normalizes the updates, stores the messages and the
   * next offset in one transaction, and returns that offset. A source may
   * acknowledge the updates to Telegram only after this returns.
   */
  ingest(updates: readonly unknown[]): number {
    if (!this.bot) throw new Error("telegram account has no bot identity yet (getMe has not answered)");
    let next = 0;
    const messages = [];
    for (const update of updates) {
      const normalized = normalizeUpdate(update, this.bot);
      const id = (update as { update_id?: unknown } | null)?.update_id;
      if (typeof id === "number" && Number.isSafeInteger(id)) next = Math.max(next, id + 1);
      if (normalized.kind === "message") messages.push(normalized.message);
      else if (normalized.kind === "malformed") this.ctx.inbound.malformed(normalized.reason, { updateId: id });
    }
    this.ctx.inbound.accept(messages, next > 0 ? String(next) : undefined);
    return next;
  }

  /**
   * Webhook mode (upstream's order): listen on webhookHost:webhookPort, then
   * setWebhook with the public URL and the secret. Each update Telegram posts
   * is stored before its 200, the same durable path as polling; a repeat of a
   * stored update_id is ignored there.
   */
  private async startWebhook(settings: TelegramWebhookSettings): Promise<void> {
    const problem = webhookSettingsProblem(settings.path, settings.secret);
    if (problem) {
      this.startError = problem;
      this.ctx.logger.error("channels/telegram", problem, { accountId: this.ctx.accountId });
      return;
    }
    const secret = settings.secret!;
    const handle = telegramWebhookHandler({
      path: settings.path,
      secret,
      logger: this.ctx.logger,
      admit: (update) => {
        this.ingest([update]);
        if (this.webhookMode) this.webhookMode.lastUpdateAt = this.ctx.now();
      },
    });
    let listener: HttpListener;
    try {
      listener = await this.options.host.listenHttp(settings.host, settings.port, handle);
    } catch (error) {
      this.startError = `Telegram webhook listener could not bind ${settings.host}:${settings.port}: ${error instanceof Error ? error.message : String(error)}`;
      this.ctx.logger.error("channels/telegram", this.startError, { accountId: this.ctx.accountId });
      return;
    }
    this.webhookMode = { listener, advertised: false, lastUpdateAt: null };
    if (this.stopper.signal.aborted) return;
    this.ctx.logger.info("channels/telegram", `webhook local listener on http://${settings.host}:${listener.port}${settings.path}`, { accountId: this.ctx.accountId });
    this.registration = this.register(settings.url, secret);
  }

  /**
   * setWebhook until Telegram takes it, in the background: a 429 waits its
   * retry_after, a network error or 5xx backs off (5 s doubling to 60 s, as
   * upstream); any other refusal will not change by retrying and stops it.
   */
  private async register(url: string, secret: string): Promise<void> {
    for (let attempt = 0; !this.stopper.signal.aborted; attempt++) {
      try {
        await this.api.setWebhook(url, { secret_token: secret, allowed_updates: ["message"] }, signalOf(this.stopper.signal));
        this.webhookMode!.advertised = true;
        this.startError = null;
        this.ctx.logger.info("channels/telegram", `webhook advertised to telegram on ${url}`, { accountId: this.ctx.accountId });
        return;
      } catch (error) {
        if (this.stopper.signal.aborted) return;
        const failure = apiFailure(error);
        this.startError = `Telegram setWebhook failed: ${failure.code ? `${failure.code} ${failure.description}` : failure.description}`;
        const retryable = failure.code === undefined || failure.code === 429 || failure.code >= 500;
        if (!retryable) {
          this.ctx.logger.error("channels/telegram", this.startError, { accountId: this.ctx.accountId });
          return;
        }
        this.ctx.logger.warn("channels/telegram", `${this.startError}; retrying`, { accountId: this.ctx.accountId });
        await pause(failure.retryAfterS !== undefined ? failure.retryAfterS * 1000 : Math.min(60_000, 5_000 * 2 ** attempt), this.stopper.signal);
      }
    }
  }

  async stop(): Promise<void> {
    this.stopper.abort();
    await this.identity;
    await this.polling?.stop();
    await this.registration;
    await this.webhookMode?.listener.close();
  }

  status(): ChannelAccountSnapshot {
    if (this.account.webhook) return this.webhookStatus();
    const polling = this.polling?.state;
    return {
      accountId: this.ctx.accountId,
      mode: "polling",
      connected: polling?.connected ?? false,
      reconnectAttempts: polling?.reconnectAttempts ?? 0,
      lastConnectedAt: polling?.lastConnectedAt ?? null,
      lastTransportActivityAt: polling?.lastTransportActivityAt ?? null,
      lastError: polling?.lastError ?? this.startError,
      // Shown only when something is off, as upstream's line carries no health bit for a healthy account.
      ...(polling?.healthState === "healthy" ? {} : { healthState: polling?.healthState ?? (this.startError?.includes("rejected the bot token") ? "unauthorized" : "starting") }),
      ...(this.bot ? { bot: { id: this.bot.id, username: this.bot.username } } : {}),
    };
  }

  private webhookStatus(): ChannelAccountSnapshot {
    const hook = this.webhookMode;
    return {
      accountId: this.ctx.accountId,
      mode: "webhook",
      connected: hook?.advertised ?? false,
      lastTransportActivityAt: hook?.lastUpdateAt ?? null,
      lastError: this.startError,
      healthState: this.startError?.includes("rejected the bot token") ? "unauthorized" : hook?.advertised ? "healthy" : this.startError ? "error" : "starting",
      ...(this.bot ? { bot: { id: this.bot.id, username: this.bot.username } } : {}),
    };
  }

  async probe(timeoutMs: number): Promise<ChannelProbe> {
    const started = Date.now();
    const signal = AbortSignal.timeout(Math.max(1, timeoutMs));
    try {
      const me = await this.api.getMe(signalOf(signal));
      const hook = await this.api.getWebhookInfo(signalOf(signal));
      return {
        ok: true, elapsedMs: Date.now() - started,
        bot: { id: me.id, username: me.username, canJoinGroups: me.can_join_groups, canReadAllGroupMessages: me.can_read_all_group_messages },
        webhook: { url: hook.url, hasCustomCert: hook.has_custom_certificate, pendingUpdateCount: hook.pending_update_count },
      };
    } catch (error) {
      const failure = apiFailure(error);
      return { ok: false, status: failure.code ?? null, error: failure.code ? `${failure.code} ${failure.description}` : failure.description, elapsedMs: Date.now() - started };
    }
  }

  async send(message: OutboundMessage): Promise<SentMessage> {
    const html = toTelegramHtml(message.text);
    const base = {
      ...(message.replyToId ? { reply_parameters: { message_id: Number(message.replyToId), allow_sending_without_reply: true } } : {}),
      ...(message.threadId ? { message_thread_id: Number(message.threadId) } : {}),
    };
    // The framework cut the text so that this HTML fits (plugin.renderedLength).
    try {
      return await this.call(() => this.api.sendMessage(message.to, html, { ...base, parse_mode: "HTML" }));
    } catch (error) {
      const failure = apiFailure(error);
      if (!(failure.code === 400 && /can't parse entities/i.test(failure.description))) throw this.deliveryError(failure, error);
      this.ctx.logger.warn("channels/telegram", "Telegram refused the formatted message; sent as plain text", { accountId: this.ctx.accountId, description: failure.description });
      try {
        return await this.call(() => this.api.sendMessage(message.to, message.text, base));
      } catch (retryError) {
        throw this.deliveryError(apiFailure(retryError), retryError);
      }
    }
  }

  /** Runs one send, waiting out 429 retry_after a few times; returns the ids. */
  private async call(send: () => Promise<{ message_id: number; chat: { id: number } }>): Promise<SentMessage> {
    for (let waits = 0; ; waits++) {
      try {
        const sent = await send();
        return { messageId: String(sent.message_id), chatId: String(sent.chat.id) };
      } catch (error) {
        const failure = apiFailure(error);
        if (failure.code !== 429 || waits >= MAX_RATE_LIMIT_WAITS) throw error;
        this.ctx.logger.warn("channels/telegram", `Telegram rate limit on sendMessage; retrying after ${failure.retryAfterS ?? 1}s`, { accountId: this.ctx.accountId });
        await pause((failure.retryAfterS ?? 1) * 1000, this.stopper.signal);
      }
    }
  }

  /** 400/403 will not change on a retry (bad chat, blocked by the user); anything else may. */
  private deliveryError(failure: ReturnType<typeof apiFailure>, error: unknown): Error {
    if (failure.code === 400 || failure.code === 403) return new PermanentDeliveryError(`${failure.code} ${failure.description}`);
    return error instanceof Error ? error : new Error(String(error));
  }

  async typing(chatId: string, threadId?: string): Promise<void> {
    await this.api.sendChatAction(chatId, "typing", threadId ? { message_thread_id: Number(threadId) } : {});
  }
}

/** The factory the plugin's `load()` returns. */
export function createTelegramAdapter(options: TelegramAdapterOptions) {
  return (ctx: ChannelAccountContext): ChannelAdapter => new TelegramAdapter(ctx, options);
}
