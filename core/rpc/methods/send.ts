/**
 * `send` (spec §6): outbound delivery to a messaging channel. clawgate has no
 * channel plugins, so every request is refused with the exact error upstream
 * gives when no channel can deliver it. Runtime-agnostic.
 */
import { z } from "zod";
import { invalidRequest } from "../../protocol/errors.ts";
import { method } from "../router.ts";

const sendParams = z.strictObject({
  to: z.string().min(1),
  message: z.string().optional(),
  mediaUrl: z.string().optional(),
  mediaUrls: z.array(z.string()).optional(),
  buffer: z.string().optional(),
  filename: z.string().optional(),
  contentType: z.string().optional(),
  asVoice: z.boolean().optional(),
  gifPlayback: z.boolean().optional(),
  channel: z.string().optional(),
  accountId: z.string().optional(),
  agentId: z.string().optional(),
  replyToId: z.string().optional(),
  threadId: z.string().optional(),
  forceDocument: z.boolean().optional(),
  silent: z.boolean().optional(),
  parseMode: z.literal("HTML").optional(),
  sessionKey: z.string().optional(),
  idempotencyKey: z.string().min(1),
});

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
