/**
 * `send` (spec §6): outbound delivery to a messaging channel. clawgate has no
 * channel plugins, so every request is refused with the exact error upstream
 * gives when no channel can deliver it. Runtime-agnostic.
 */
import { z } from "../../zod.ts";
import { invalidRequest } from "../../protocol/errors.ts";
import { method } from "../router.ts";

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

export function sendMethods() {
  return [
    method("send", sendParams, (p) => {
      const hasMedia = Boolean(p.mediaUrl?.trim()) || (p.mediaUrls ?? []).some((u) => u.trim()) || Boolean(p.buffer);
      if (!p.message?.trim() && !hasMedia) throw invalidRequest("invalid send params: text or media is required");
      const channel = p.channel?.trim().toLowerCase();
      if (channel === "webchat") {
        throw invalidRequest("unsupported channel: webchat (internal-only). Use `chat.send` for WebChat UI messages or choose a deliverable channel.");
      }
      if (channel) throw invalidRequest(`unsupported channel: ${p.channel}`);
      // Upstream surfaces the thrown Error through String(err), hence the "Error: " prefix.
      throw invalidRequest(
        "Error: Channel is required (no configured channels detected). Run openclaw channels add to configure one, or pass --channel <channel> after enabling a channel. Use openclaw channels list --all to see available channel ids.",
      );
    }),
  ];
}
