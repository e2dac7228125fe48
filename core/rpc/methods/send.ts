/**
 * `send` (spec §6): outbound delivery to a messaging channel through the
 * channel service (core/channels), with upstream's channel selection: the
 * named channel, else the only configured one, else upstream's "Channel is
 * required" errors. A repeated idempotencyKey delivers once.
 * Runtime-agnostic.
 */
import { z } from "../../zod.ts";
import { invalidRequest } from "../../protocol/errors.ts";
import { method } from "../router.ts";
import type { GatewayServices } from "../services.ts";

const sendParams = z.lazy(() => z.strictObject({
  to: z.string().check(z.minLength(1)),
  message: z.optional(z.string()),
  mediaUrl: z.optional(z.string()),
  mediaUrls: z.optional(z.array(z.string())),
  buffer: z.optional(z.string()),
  filename: z.optional(z.string()),
  contentType: z.optional(z.string()),
  asVoice: z.optional(z.boolean()),
  gifPlayback: z.optional(z.boolean()),
  channel: z.optional(z.string()),
  accountId: z.optional(z.string()),
  agentId: z.optional(z.string()),
  replyToId: z.optional(z.string()),
  threadId: z.optional(z.string()),
  forceDocument: z.optional(z.boolean()),
  silent: z.optional(z.boolean()),
  parseMode: z.optional(z.literal("HTML")),
  sessionKey: z.optional(z.string()),
  idempotencyKey: z.string().check(z.minLength(1)),
}));

/** What the group uses. */
export type SendMethodsContext = Pick<GatewayServices, "channels" | "config">;

/** The channel a send goes to, chosen as upstream's resolveMessageChannelSelection does. */
function selectChannel(ctx: SendMethodsContext, requested: string | undefined): string {
  const channel = requested?.trim().toLowerCase();
  if (channel === "webchat") {
    throw invalidRequest("unsupported channel: webchat (internal-only). Use `chat.send` for WebChat UI messages or choose a deliverable channel.");
  }
  if (channel) {
    if (!ctx.channels.ids().includes(channel)) throw invalidRequest(`unsupported channel: ${requested}`);
    if (!ctx.channels.isRunning(channel)) throw invalidRequest(`Error: Channel is unavailable: ${channel}`);
    return channel;
  }
  const configured = ctx.channels.configuredIds(ctx.config());
  if (configured.length === 1) return configured[0]!;
  // Upstream surfaces the thrown Error through String(err), hence the "Error: " prefix.
  if (configured.length === 0) {
    throw invalidRequest(
      "Error: Channel is required (no configured channels detected). Run openclaw channels add to configure one, or pass --channel <channel> after enabling a channel. Use openclaw channels list --all to see available channel ids.",
    );
  }
  throw invalidRequest(`Error: Channel is required when multiple channels are configured: ${configured.join(", ")}. Pass --channel <channel> to choose one.`);
}

export function sendMethods(ctx: SendMethodsContext) {
  return [
    method("send", sendParams, async (p) => {
      const hasMedia = Boolean(p.mediaUrl?.trim()) || (p.mediaUrls ?? []).some((u) => u.trim()) || Boolean(p.buffer);
      if (!p.message?.trim() && !hasMedia) throw invalidRequest("invalid send params: text or media is required");
      const channel = selectChannel(ctx, p.channel);
      if (!p.message?.trim()) throw invalidRequest(`media sends are not supported on ${channel} yet: send text`);
      const sent = await ctx.channels.send({
        channel, accountId: p.accountId, to: p.to.trim(), text: p.message, replyToId: p.replyToId, threadId: p.threadId, idempotencyKey: p.idempotencyKey,
      });
      return { runId: p.idempotencyKey, messageId: sent.messageId, channel: sent.channel, chatId: sent.chatId };
    }),
  ];
}
