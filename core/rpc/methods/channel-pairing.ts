/**
 * Sender (DM) pairing methods under upstream's names, `channels.pairing.list`,
 * `.approve` and `.dismiss`, with upstream's params and result shapes.
 * clawgate also accepts a `code` wherever a `requestId` is taken (what
 * `clawgate pairing approve|deny` sends) and lists each request's code, so
 * the owner can match what the sender was told. Runtime-agnostic.
 */
import { z } from "../../zod.ts";
import type { Resolution } from "../../sender-pairing/sender-pairing.ts";
import type { SenderPairingRequest } from "../../store.ts";
import { missingScope } from "../../protocol/errors.ts";
import { method } from "../router.ts";
import type { GatewayServices } from "../services.ts";

const nonEmpty = z.string().check(z.trim(), z.minLength(1));
/** Channel ids as upstream's CLI accepts them. */
const channel = z.string().check(z.regex(/^[a-z][a-z0-9_-]{0,63}$/, "must be a lowercase channel id such as \"telegram\""));
const target = {
  channel,
  accountId: z.optional(nonEmpty),
  requestId: z.optional(nonEmpty),
  code: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(32))),
};
const oneTarget = (p: { requestId?: string; code?: string }) => (p.requestId === undefined) !== (p.code === undefined);
const oneTargetMessage = { message: "pass exactly one of requestId or code" };

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** What the group uses. */
export type ChannelPairingMethodsContext = Pick<GatewayServices, "senders" | "senderPolicy" | "channels">;

export function channelPairingMethods(ctx: ChannelPairingMethodsContext) {
  const senders = ctx.senders;

  const view = (r: SenderPairingRequest, ttlMs: number) => ({
    requestId: r.requestId,
    channel: r.channel,
    channelLabel: r.channel,
    accountId: r.accountId,
    senderId: r.senderId,
    ...(r.meta && Object.keys(r.meta).length > 0 ? { metadata: r.meta } : {}),
    createdAt: iso(r.createdAtMs),
    lastSeenAt: iso(r.lastSeenAtMs),
    expiresAt: iso(r.createdAtMs + ttlMs),
    notifySupported: ctx.channels.isRunning(r.channel, r.accountId),
    code: r.code,
  });

  /** Resolves by code (rate-limited) or by request id. */
  const resolve = (p: { channel: string; accountId?: string; requestId?: string; code?: string }, approve: boolean): Promise<Resolution> | Resolution => {
    if (p.code !== undefined) return approve ? senders.approveCode(p.channel, p.code) : senders.denyCode(p.channel, p.code);
    return approve ? senders.approveRequest(p.channel, p.requestId!, p.accountId) : senders.dismissRequest(p.channel, p.requestId!, p.accountId);
  };

  return [
    method("channels.pairing.list", z.lazy(() => z.strictObject({ channel: z.optional(channel), accountId: z.optional(nonEmpty) })), (p) => {
      const policy = ctx.senderPolicy();
      const requests = senders.list(p);
      const accounts = new Map<string, { channel: string; channelLabel: string; accountId: string; notifySupported: boolean }>();
      for (const r of requests) accounts.set(`${r.channel}\0${r.accountId}`, { channel: r.channel, channelLabel: r.channel, accountId: r.accountId, notifySupported: ctx.channels.isRunning(r.channel, r.accountId) });
      return {
        accounts: [...accounts.values()],
        requests: requests.map((r) => view(r, policy.codeExpiryMs)),
        commandOwnerConfigured: false,
        limits: { pendingPerAccount: policy.maxPending, ttlMs: policy.codeExpiryMs },
      };
    }),

    method("channels.pairing.approve", z.lazy(() => z.strictObject({ ...target, notify: z.optional(z.boolean()), bootstrapCommandOwner: z.optional(z.boolean()) }).check(z.refine(oneTarget, oneTargetMessage))), async (p, caller) => {
      // Making the sender a command owner is admin business, as upstream (§5 dynamic scopes).
      if (p.bootstrapCommandOwner && !caller.effective.has("operator.admin")) throw missingScope("operator.admin");
      const { request } = await resolve(p, true);
      // The approval text goes out through the sender's channel when that account runs (upstream's --notify).
      const notification = !p.notify ? "not-requested"
        : !ctx.channels.isRunning(request.channel, request.accountId) ? "unsupported"
        : (await ctx.channels.notifyApproved(request.channel, request.accountId, request.senderId, request.requestId)) ? "sent" : "failed";
      return {
        requestId: request.requestId,
        senderId: request.senderId,
        notification,
        commandOwnerBootstrap: p.bootstrapCommandOwner ? "unavailable" : "not-requested",
      };
    }),

    method("channels.pairing.dismiss", z.lazy(() => z.strictObject(target).check(z.refine(oneTarget, oneTargetMessage))), async (p) => {
      const { request } = await resolve(p, false);
      return { requestId: request.requestId, senderId: request.senderId };
    }),
  ];
}
