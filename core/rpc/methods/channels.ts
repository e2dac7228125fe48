/**
 * Channel account lifecycle under upstream's names (docs/gateway/protocol/
 * rpc-system-and-channels.md): `channels.start` and `channels.stop` of one
 * account (the default one when `accountId` is omitted), `channels.logout`.
 * `channels.status` lives with the read-only methods (./info.ts).
 * Runtime-agnostic.
 */
import { z } from "../../zod.ts";
import { method } from "../router.ts";
import type { GatewayServices } from "../services.ts";

const accountParams = z.lazy(() => z.strictObject({ channel: z.string().check(z.trim(), z.minLength(1)), accountId: z.optional(z.string()) }));

/** What the group uses. */
export type ChannelMethodsContext = Pick<GatewayServices, "channels">;

export function channelMethods(ctx: ChannelMethodsContext) {
  return [
    method("channels.start", accountParams, (p) => ctx.channels.startAccount(p.channel, p.accountId)),
    method("channels.stop", accountParams, (p) => ctx.channels.stopAccount(p.channel, p.accountId)),
    method("channels.logout", accountParams, (p) => ctx.channels.logout(p.channel, p.accountId)),
  ];
}
