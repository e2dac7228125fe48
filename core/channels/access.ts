/**
 * Who may reach the agent through a chat channel, as upstream decides it
 * (docs/channels/pairing.md, docs/channels/telegram/access-control.md):
 * DMs by `dmPolicy` (pairing by default) with `allowFrom` plus the senders
 * approved by pairing; groups by the `groups` allowlist, then `groupPolicy`
 * with `groupAllowFrom` (falling back to `allowFrom`, never to pairing
 * approvals), then `requireMention` (on by default). Runtime-agnostic.
 */
import type { AccessSettings, InboundMessage } from "./contract.ts";

/** What happens to one inbound message. */
export type AccessDecision =
  | { kind: "allow" }
  /** An unknown DM sender under `dmPolicy: "pairing"`: answer with a pairing code, do not run the agent. */
  | { kind: "pair" }
  | { kind: "drop"; reason: string };

/** Allowlist entries as upstream normalizes them: `telegram:` / `tg:` prefixes dropped. */
export function normalizeAllowEntry(entry: string): string {
  return entry.trim().replace(/^(telegram|tg):/i, "");
}

function listed(list: readonly string[], senderId: string): boolean {
  return list.some((e) => {
    const v = normalizeAllowEntry(e);
    return v === "*" || v === senderId;
  });
}

/** Decides for one message; `paired` says whether pairing approved the sender for this account. */
export function decideAccess(access: AccessSettings, message: InboundMessage, paired: boolean): AccessDecision {
  if (message.chatType === "direct") {
    // The linked number's notes to itself (WhatsApp self-chat) need no allowlist entry; the adapter drops them when selfChatMode is off.
    if (message.selfChat && access.dmPolicy !== "disabled") return { kind: "allow" };
    switch (access.dmPolicy) {
      case "disabled":
        return { kind: "drop", reason: "dm-disabled" };
      case "open":
        // Public only with the wildcard; otherwise only the listed senders (pairing never widens `open`).
        return listed(access.allowFrom, message.senderId) ? { kind: "allow" } : { kind: "drop", reason: "dm-not-allowed" };
      case "allowlist":
        return access.allowFrom.some((e) => normalizeAllowEntry(e) === message.senderId) ? { kind: "allow" } : { kind: "drop", reason: "dm-not-allowlisted" };
      case "pairing":
        return access.allowFrom.some((e) => normalizeAllowEntry(e) === message.senderId) || paired ? { kind: "allow" } : { kind: "pair" };
    }
  }
  if (access.groupPolicy === "disabled") return { kind: "drop", reason: "groups-disabled" };
  const groupIds = Object.keys(access.groups);
  const group = access.groups[message.chatId] ?? access.groups["*"];
  // Which groups: a `groups` map is an allowlist; without one, only `open` lets groups through.
  if (groupIds.length > 0 ? !group || group.enabled === false : access.groupPolicy !== "open") return { kind: "drop", reason: "group-not-allowed" };
  if (access.groupPolicy === "allowlist") {
    const senders = group?.allowFrom ?? (access.groupAllowFrom.length > 0 ? access.groupAllowFrom : access.allowFrom);
    if (!listed(senders, message.senderId)) return { kind: "drop", reason: "group-sender-not-allowed" };
  }
  if ((group?.requireMention ?? true) && !message.mentioned) return { kind: "drop", reason: "no-mention" };
  return { kind: "allow" };
}
