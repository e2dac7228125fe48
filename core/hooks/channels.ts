/**
 * The channels a hook delivers through, over the gateway's channel plugins
 * and its channel service: any channel the gateway knows may be named; the
 * account must be configured and enabled (the channel's default when none is
 * given), with upstream's refusal texts. Runtime-agnostic.
 */
import type { ChannelPlugin } from "../channels/contract.ts";
import type { ChannelSendRequest } from "../channels/manager.ts";
import type { OpenClawConfig } from "../config/schema.ts";
import type { HookChannels } from "./dispatch.ts";

export function hookChannels(plugins: readonly ChannelPlugin[], config: () => OpenClawConfig, send: (request: ChannelSendRequest) => Promise<unknown>): HookChannels {
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
