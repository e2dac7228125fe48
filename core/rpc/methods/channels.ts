/**
 * Channel account lifecycle under upstream's names (docs/gateway/protocol/
 * rpc-system-and-channels.md): `channels.start` and `channels.stop` of one
 * account (the default one when `accountId` is omitted), `channels.logout`,
 * and the QR login of channels linked by scanning (`web.login.start` /
 * `web.login.wait`, WhatsApp).
 * `channels.status` lives with the read-only methods (./info.ts).
 * Runtime-agnostic.
 */
import { z } from "../../zod.ts";
import { method } from "../router.ts";
import type { GatewayServices } from "../services.ts";

/** upstream's WebLoginStartParamsSchema / WebLoginWaitParamsSchema (closed objects). */
const loginStartParams = z.lazy(() => z.strictObject({
  channel: z.optional(z.string().check(z.trim(), z.minLength(1))),
  force: z.optional(z.boolean()),
  timeoutMs: z.optional(z.int().check(z.gte(0))),
  verbose: z.optional(z.boolean()),
  accountId: z.optional(z.string()),
}));
const loginWaitParams = z.lazy(() => z.strictObject({
  channel: z.optional(z.string().check(z.trim(), z.minLength(1))),
  sessionKey: z.optional(z.string().check(z.minLength(1))),
  timeoutMs: z.optional(z.int().check(z.gte(0))),
  accountId: z.optional(z.string()),
  currentQrDataUrl: z.optional(z.string().check(z.maxLength(16384), z.regex(/^data:image\/png;base64,/))),
}));

const accountParams = z.lazy(() => z.strictObject({ channel: z.string().check(z.trim(), z.minLength(1)), accountId: z.optional(z.string()) }));

/** What the group uses. */
export type ChannelMethodsContext = Pick<GatewayServices, "channels">;

export function channelMethods(ctx: ChannelMethodsContext) {
  return [
    method("channels.start", accountParams, (p) => ctx.channels.startAccount(p.channel, p.accountId)),
    method("channels.stop", accountParams, (p) => ctx.channels.stopAccount(p.channel, p.accountId)),
    method("channels.logout", accountParams, (p) => ctx.channels.logout(p.channel, p.accountId)),
    method("web.login.start", loginStartParams, (p) => ctx.channels.loginStart(p)),
    method("web.login.wait", loginWaitParams, (p) => ctx.channels.loginWait(p)),
  ];
}
