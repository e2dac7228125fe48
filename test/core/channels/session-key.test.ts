/** Session keys of chat messages in upstream's shapes (docs/concepts/session.md, telegram/threads-and-sessions.md). */
import { expect, test } from "bun:test";
import type { InboundMessage } from "../../../core/channels/contract.ts";
import { channelSessionKey } from "../../../core/channels/session-key.ts";

const dm: InboundMessage = { id: "1", chatId: "42", chatType: "direct", senderId: "42", text: "", mentioned: false, ts: 0 };
const group: InboundMessage = { ...dm, chatId: "-1001234567890", chatType: "group" };

test("DMs: main by default; each session.dmScope as upstream", () => {
  expect(channelSessionKey({}, "main", "telegram", "default", dm)).toBe("agent:main:main");
  const scoped = (dmScope: string) => channelSessionKey({ session: { dmScope } } as never, "main", "telegram", "work", dm);
  expect(scoped("per-peer")).toBe("agent:main:direct:42");
  expect(scoped("per-channel-peer")).toBe("agent:main:telegram:direct:42");
  expect(scoped("per-account-channel-peer")).toBe("agent:main:telegram:work:direct:42");
});

test("groups and forum topics get their own keys", () => {
  expect(channelSessionKey({}, "zu", "telegram", "default", group)).toBe("agent:zu:telegram:group:-1001234567890");
  expect(channelSessionKey({}, "zu", "telegram", "default", { ...group, threadId: "3" })).toBe("agent:zu:telegram:group:-1001234567890:topic:3");
});

test("Discord and Slack channels are keyed as channels, Slack threads as threads (upstream's shapes)", () => {
  const channel: InboundMessage = { ...group, chatId: "123456", groupKind: "channel" };
  expect(channelSessionKey({}, "main", "discord", "default", channel)).toBe("agent:main:discord:channel:123456");
  expect(channelSessionKey({}, "main", "slack", "default", { ...channel, chatId: "C1", threadId: "1777244748.777299", threadKind: "thread" })).toBe("agent:main:slack:channel:c1:thread:1777244748.777299");
});
