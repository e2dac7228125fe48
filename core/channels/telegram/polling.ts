/**
 * Long polling, the default update source: `deleteWebhook` (pending updates
 * kept), then `getUpdates` in a loop with the offset advanced only after the
 * batch is stored (the framework's durable inbound path), so Telegram forgets
 * an update only once it is safe in SQLite. Recovers by itself: a 409 (another
 * poller, or a webhook set elsewhere) is logged with upstream's explanation,
 * shown in status and retried after a back-off (deleting the webhook again);
 * a 429 waits `retry_after`; network errors back off; a watchdog aborts a
 * getUpdates that stalls past its long-poll window and restarts the loop.
 * A 401/404 (token refused) stops polling: only a new token helps.
 * A webhook source (added separately) feeds the same `deliver` path.
 */
import type { Logger } from "../../runtime.ts";
import { apiFailure, pause } from "./errors.ts";

/** Upstream's explanation of a getUpdates 409 (extensions/telegram monitor-polling). */
export const CONFLICT_HINT = " Another OpenClaw gateway, script, or Telegram poller may be using this bot token; stop the duplicate poller or switch this account to webhook mode.";

/** The Bot API calls polling makes (a slice of grammY's Api). */
export interface PollingApi {
  deleteWebhook(other: { drop_pending_updates: boolean }, signal?: AbortSignal): Promise<unknown>;
  getUpdates(other: { offset?: number; limit: number; timeout: number; allowed_updates: string[] }, signal?: AbortSignal): Promise<{ update_id: number }[]>;
}

export interface PollingTuning {
  /** getUpdates long-poll window (s). */
  pollTimeoutS: number;
  /** A getUpdates still open this long after its window is stalled (upstream: 120 s). */
  stallThresholdMs: number;
  /** How often the watchdog looks (upstream: 30 s). */
  watchdogIntervalMs: number;
  /** Restart back-off: first delay, growth, ceiling. */
  backoff: { initialMs: number; factor: number; maxMs: number };
}

export const DEFAULT_POLLING: PollingTuning = {
  pollTimeoutS: 30,
  stallThresholdMs: 120_000,
  watchdogIntervalMs: 30_000,
  backoff: { initialMs: 2_000, factor: 1.8, maxMs: 30_000 },
};

/** What polling reports for `channels.status`. */
export interface PollingState {
  running: boolean;
  connected: boolean;
  reconnectAttempts: number;
  lastConnectedAt: number | null;
  lastError: string | null;
  lastTransportActivityAt: number | null;
  healthState: string;
}

export interface PollingOptions {
  api: PollingApi;
  /** Stores a batch durably; resolves to the next offset to confirm. */
  deliver(updates: readonly { update_id: number }[]): number;
  /** The offset stored with the last batch (after a restart). */
  initialOffset(): number | undefined;
  logger: Logger;
  accountId: string;
  now(): number;
  tuning?: Partial<PollingTuning>;
}

export class TelegramPolling {
  private readonly tuning: PollingTuning;
  private readonly stopper = new AbortController();
  private loop?: Promise<void>;
  private cycle?: AbortController;
  private pollStartedAt?: number;
  private attempts = 0;
  private webhookCleared = false;
  readonly state: PollingState = {
    running: false, connected: false, reconnectAttempts: 0, lastConnectedAt: null, lastError: null, lastTransportActivityAt: null, healthState: "starting",
  };

  constructor(private readonly options: PollingOptions) {
    this.tuning = { ...DEFAULT_POLLING, ...options.tuning };
  }

  start(): void {
    this.state.running = true;
    this.loop = this.run().finally(() => {
      this.state.running = false;
      this.state.connected = false;
    });
  }

  async stop(): Promise<void> {
    this.stopper.abort();
    this.cycle?.abort();
    await this.loop;
  }

  private log(level: "info" | "warn" | "error", message: string): void {
    this.options.logger[level]("channels/telegram", message, { accountId: this.options.accountId });
  }

  private async run(): Promise<void> {
    const { api, now } = this.options;
    let offset = this.options.initialOffset();
    const watchdog = setInterval(() => this.checkStall(), this.tuning.watchdogIntervalMs);
    try {
      while (!this.stopper.signal.aborted) {
        const cycle = (this.cycle = new AbortController());
        const signal = AbortSignal.any([this.stopper.signal, cycle.signal]);
        try {
          if (!this.webhookCleared) {
            await api.deleteWebhook({ drop_pending_updates: false }, signal);
            this.webhookCleared = true;
            // Telegram answered: connected while the long poll waits (a 409 or an error says otherwise).
            this.healthy();
          }
          this.pollStartedAt = now();
          const updates = await api.getUpdates({ ...(offset !== undefined ? { offset } : {}), limit: 100, timeout: this.tuning.pollTimeoutS, allowed_updates: ["message"] }, signal);
          this.pollStartedAt = undefined;
          this.healthy();
          if (updates.length > 0) offset = this.options.deliver(updates) || offset;
        } catch (error) {
          this.pollStartedAt = undefined;
          if (this.stopper.signal.aborted) return;
          if (cycle.signal.aborted) {
            await this.restart("Telegram polling stalled; restarting");
            continue;
          }
          if (!(await this.failed(error))) return;
        }
      }
    } finally {
      clearInterval(watchdog);
    }
  }

  private healthy(): void {
    const { now } = this.options;
    if (!this.state.connected) {
      this.state.lastConnectedAt = now();
      if (this.attempts > 0) this.log("info", "Telegram polling recovered");
    }
    this.state.connected = true;
    this.state.lastError = null;
    this.state.healthState = "healthy";
    this.state.lastTransportActivityAt = now();
    this.attempts = 0;
  }

  /** Handles one failed call; false when polling must stop. */
  private async failed(error: unknown): Promise<boolean> {
    const failure = apiFailure(error);
    this.state.connected = false;
    if (failure.code === 401 || failure.code === 404) {
      const message = `Telegram rejected the bot token (${failure.code} ${failure.description}); polling stopped. Check channels.telegram.botToken / tokenFile / TELEGRAM_BOT_TOKEN.`;
      this.state.lastError = message;
      this.state.healthState = "unauthorized";
      this.log("error", message);
      return false;
    }
    if (failure.code === 429) {
      const waitMs = (failure.retryAfterS ?? 1) * 1000;
      this.state.lastError = `Telegram rate limit: ${failure.description}`;
      this.state.healthState = "rate-limited";
      this.log("warn", `Telegram getUpdates rate limited; retrying after ${waitMs / 1000}s.`);
      await pause(waitMs, this.stopper.signal);
      return true;
    }
    if (failure.code === 409) {
      // Another poller or a webhook: delete the webhook again on the next cycle, as upstream.
      this.webhookCleared = false;
      const message = `Telegram getUpdates conflict: ${failure.description}.${CONFLICT_HINT}`;
      this.state.lastError = message;
      this.state.healthState = "conflict";
      this.log("warn", message);
      await this.restart("Telegram polling failed; restarting");
      return true;
    }
    const message = `Telegram polling failed: ${failure.code ? `${failure.code} ${failure.description}` : `network error (${failure.description})`}`;
    this.state.lastError = message;
    this.state.healthState = "reconnecting";
    this.log("warn", message);
    await this.restart("Telegram polling failed; restarting");
    return true;
  }

  private async restart(line: string): Promise<void> {
    const { initialMs, factor, maxMs } = this.tuning.backoff;
    const delay = Math.min(maxMs, Math.round(initialMs * factor ** this.attempts));
    this.attempts++;
    this.state.reconnectAttempts++;
    this.log("info", `${line} in ${(delay / 1000).toFixed(1)}s.`);
    await pause(delay, this.stopper.signal);
  }

  /** Watchdog: a getUpdates open well past its window is aborted, and the loop restarts. */
  private checkStall(): void {
    if (this.pollStartedAt === undefined) return;
    const elapsed = this.options.now() - this.pollStartedAt;
    if (elapsed < this.tuning.pollTimeoutS * 1000 + this.tuning.stallThresholdMs) return;
    const message = `Polling stall detected (active getUpdates stuck for ${Math.round(elapsed / 1000)}s); forcing restart.`;
    this.state.lastError = message;
    this.state.healthState = "stalled";
    this.state.connected = false;
    this.log("warn", message);
    this.cycle?.abort();
  }
}
