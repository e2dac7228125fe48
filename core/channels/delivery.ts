/**
 * The channels a hook's or a cron job's reply is delivered through, over the
 * gateway's channel plugins and its channel service: any channel the gateway
 * knows may be named; the account must be configured and enabled (the
 * channel's default when none is given), with upstream's refusal texts.
 * Runtime-agnostic.
 */
import type { ChannelPlugin } from "./contract.ts";
import type { OpenClawConfig } from "../config/schema.ts";

/** What a delivery needs of the gateway's channel service. */
export interface DeliveryChannels {
  /** Channel ids a request may name, besides `last`. */
  ids(): readonly string[];
  /** The account a delivery goes through (the given one, else the channel's default), or upstream's refusal text. */
  account(channel: string, accountId: string | undefined): { ok: true; value: string } | { ok: false; error: string };
  /** Sends one reply; a retried send with the same key delivers once. */
  send(request: DeliveryRequest): Promise<unknown>;
}

/** One reply to send: the channel service's send request (channels/manager.ts), with the account resolved. */
export interface DeliveryRequest {
  channel: string;
  accountId: string;
  to: string;
  text: string;
  idempotencyKey: string;
  threadId?: string;
}

export function deliveryChannels(plugins: readonly ChannelPlugin[], config: () => OpenClawConfig, send: (request: DeliveryRequest) => Promise<unknown>): DeliveryChannels {
  const ids = plugins.map((p) => p.id);
  return {
    ids: () => ids,
    account(channel, accountId) {
      const plugin = plugins.find((p) => p.id === channel);
      const current = config();
      const accounts = plugin?.accounts(current) ?? [];
      if (!plugin || accounts.length === 0) return { ok: false, error: `Channel ${channel} is unavailable.` };
      const id = accountId ?? plugin.defaultAccountId(current);
      const account = accounts.find((a) => a.accountId === id);
      if (!account) return { ok: false, error: accountId ? `Unknown account "${accountId}" for channel ${channel}.` : `Channel ${channel} did not resolve an account.` };
      if (!account.enabled) return { ok: false, error: `Account "${account.accountId}" for channel ${channel} is disabled.` };
      return { ok: true, value: account.accountId };
    },
    send,
  };
}
