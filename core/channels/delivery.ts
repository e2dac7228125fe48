/**
 * The channels a hook's, a cron job's or a heartbeat's reply goes through, over the
 * gateway's channel plugins and its channel service: any channel the gateway
 * knows may be named; the account must be configured and enabled (the
 * channel's default when none is given), with upstream's refusal texts.
 * Runtime-agnostic.
 */
import type { ChannelPlugin } from "./contract.ts";
import type { OpenClawConfig } from "../config/schema.ts";

/** A chat to deliver to: a channel, a recipient on it, and the account (empty: the channel's default). */
export interface DeliveryRoute {
  channel: string;
  to: string;
  accountId: string;
  threadId?: string;
}

/** What a delivery needs of the gateway's channel service. */
export interface DeliveryChannels {
  /** Channel ids a request may name, besides `last`. */
  ids(): readonly string[];
  /** The account a delivery goes through (the given one, else the channel's default), or upstream's refusal text. */
  account(channel: string, accountId: string | undefined): { ok: true; value: string } | { ok: false; error: string };
  /** Sends one reply; a retried send with the same key delivers once. */
  send(request: DeliveryRequest): Promise<unknown>;
  /**
   * The owner's direct chat (upstream's heartbeat `owner` target): the first `commands.ownerAllowFrom`
   * entry a configured channel can take ("telegram:123", or a bare id), else the first concrete
   * `allowFrom` entry of a configured channel's enabled account; `first` is tried before the others.
   */
  owner(first?: string): DeliveryRoute | undefined;
}

/** Sends `text` along `route` once per `key`; resolves undefined when it was sent, else why not. */
export async function deliverTo(channels: DeliveryChannels | undefined, route: DeliveryRoute, text: string, key: string): Promise<string | undefined> {
  if (!channels) return `Channel ${route.channel} is unavailable.`;
  const account = channels.account(route.channel, route.accountId || undefined);
  if (!account.ok) return account.error;
  try {
    await channels.send({ channel: route.channel, accountId: account.value, to: route.to, text, idempotencyKey: key, ...(route.threadId ? { threadId: route.threadId } : {}) });
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
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
    owner(first) {
      const current = config();
      const usable = (first ? [...plugins].sort((a, b) => Number(b.id === first) - Number(a.id === first)) : plugins)
        .map((plugin) => ({ plugin, account: plugin.accounts(current).find((a) => a.accountId === plugin.defaultAccountId(current)) }))
        .filter((u) => u.account?.enabled && u.account.configured);
      const owners = (current.commands?.ownerAllowFrom ?? []).map(String).map((o) => o.trim()).filter((o) => o !== "" && o !== "*");
      for (const { plugin, account } of usable) {
        for (const owner of owners) {
          const colon = owner.indexOf(":");
          const prefix = colon > 0 ? owner.slice(0, colon).toLowerCase() : undefined;
          if (prefix === undefined) return { channel: plugin.id, to: owner, accountId: account!.accountId };
          if (prefix === plugin.id) return { channel: plugin.id, to: owner.slice(colon + 1), accountId: account!.accountId };
        }
      }
      for (const { plugin, account } of usable) {
        const owner = account!.access.allowFrom.map(String).find((entry) => entry.trim() !== "" && entry.trim() !== "*");
        if (owner) return { channel: plugin.id, to: owner.trim(), accountId: account!.accountId };
      }
      return undefined;
    },
  };
}
