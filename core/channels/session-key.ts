/**
 * The session a chat message belongs to, in upstream's key shapes: DMs share
 * the agent's main session unless `session.dmScope` isolates them
 * (`agent:<id>:direct:<peer>`, `agent:<id>:<channel>:direct:<peer>`,
 * `agent:<id>:<channel>:<account>:direct:<peer>`); groups get
 * `agent:<id>:<channel>:group:<chatId>`, forum topics `...:topic:<threadId>` (Discord and Slack channels
 * `agent:<id>:<channel>:channel:<chatId>`, Slack threads `...:thread:<ts>`, as the message says).
 * Runtime-agnostic.
 */
import type { OpenClawConfig } from "../config/schema.ts";
import { mainSessionKey } from "../sessions/keys.ts";
import type { InboundMessage } from "./contract.ts";

export const DM_SCOPES = ["main", "per-peer", "per-channel-peer", "per-account-channel-peer"] as const;
export type DmScope = (typeof DM_SCOPES)[number];

function dmScope(config: OpenClawConfig): DmScope {
  const raw = (config as { session?: { dmScope?: unknown } }).session?.dmScope;
  return (DM_SCOPES as readonly unknown[]).includes(raw) ? (raw as DmScope) : "main";
}

/** The canonical session key for `message` on `channel`/`accountId`, owned by `agentId`. */
export function channelSessionKey(config: OpenClawConfig, agentId: string, channel: string, accountId: string, message: InboundMessage): string {
  const id = (s: string) => s.toLowerCase();
  if (message.chatType === "group") {
    const topic = message.threadId ? `:${message.threadKind ?? "topic"}:${id(message.threadId)}` : "";
    return `agent:${agentId}:${channel}:${message.groupKind ?? "group"}:${id(message.chatId)}${topic}`;
  }
  const peer = id(message.senderId);
  switch (dmScope(config)) {
    case "main":
      return mainSessionKey(agentId);
    case "per-peer":
      return `agent:${agentId}:direct:${peer}`;
    case "per-channel-peer":
      return `agent:${agentId}:${channel}:direct:${peer}`;
    case "per-account-channel-peer":
      return `agent:${agentId}:${channel}:${id(accountId)}:direct:${peer}`;
  }
}
