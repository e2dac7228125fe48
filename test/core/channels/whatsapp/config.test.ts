import { expect, test } from "bun:test";
import { selfChatSafeguards, whatsappAccounts } from "../../../../core/channels/whatsapp/config.ts";

test("no channels.whatsapp -> no accounts; an empty block -> the default account with upstream's defaults", () => {
  expect(whatsappAccounts({})).toEqual([]);
  expect(whatsappAccounts({ channels: { whatsapp: {} } })).toEqual([
    { accountId: "default", enabled: true, access: { dmPolicy: "pairing", allowFrom: [], groupPolicy: "allowlist", groupAllowFrom: [], groups: { "*": {} }, textChunkLimit: 4000, chunkMode: "length" }, replyToMode: "off", sendReadReceipts: true },
  ]);
});

test("sendReadReceipts and replyToMode: per account over the root, as upstream", () => {
  const accounts = whatsappAccounts({ channels: { whatsapp: { sendReadReceipts: false, replyToMode: "all", accounts: { default: {}, work: { sendReadReceipts: true, replyToMode: "first" } } } } });
  expect(accounts.map((a) => [a.accountId, a.sendReadReceipts, a.replyToMode])).toEqual([["default", false, "all"], ["work", true, "first"]]);
});

test("allowFrom normalized to E.164; a groups map is the allowlist", () => {
  const [a] = whatsappAccounts({ channels: { whatsapp: { allowFrom: ["+1 555 123 4567", "*"], groupAllowFrom: ["15554445555"], groups: { "1203@g.us": { requireMention: false } } } } });
  expect(a!.access).toMatchObject({ allowFrom: ["+15551234567", "*"], groupAllowFrom: ["+15554445555"], groups: { "1203@g.us": { requireMention: false } } });
});

test("named accounts: ids from accounts, default first; they inherit policy but never authDir, enabled, name or selfChatMode", () => {
  const accounts = whatsappAccounts({ channels: { whatsapp: { dmPolicy: "allowlist", authDir: "/root-auth", selfChatMode: false, accounts: { Work: { name: "Work" }, default: { enabled: false, groupPolicy: "open" } } } } });
  expect(accounts.map((a) => a.accountId)).toEqual(["default", "work"]);
  expect(accounts[0]).toMatchObject({ enabled: false, authDir: "/root-auth", selfChatMode: false });
  expect(accounts[1]).toMatchObject({ enabled: true, name: "Work", access: { dmPolicy: "allowlist", groupPolicy: "open" } });
  expect(accounts[1]!.authDir).toBeUndefined();
  expect(accounts[1]!.selfChatMode).toBeUndefined();
});

test("a bad block -> one unconfigured default account carrying the problem", () => {
  expect(whatsappAccounts({ channels: { whatsapp: { dmPolicy: "everyone" } } } as never)[0]!.configError).toStartWith("channels.whatsapp: dmPolicy:");
});

test("streaming.chunkMode: the root's applies to its accounts; an account's own wins", () => {
  const accounts = whatsappAccounts({ channels: { whatsapp: { streaming: { chunkMode: "newline" }, accounts: { work: {}, home: { streaming: { chunkMode: "length" } } } } } });
  expect(Object.fromEntries(accounts.map((a) => [a.accountId, a.access.chunkMode]))).toEqual({ work: "newline", home: "length" });
});

test("self-chat safeguards: selfChatMode decides; unset, they are on when the linked number is in allowFrom", () => {
  const safeguards = (whatsapp: Record<string, unknown>) => selfChatSafeguards(whatsappAccounts({ channels: { whatsapp } })[0]!, "+15550001111");
  expect(safeguards({})).toBe(false);
  expect(safeguards({ allowFrom: ["+1 555 000 1111"] })).toBe(true);
  expect(safeguards({ allowFrom: ["*"] })).toBe(false);
  expect(safeguards({ allowFrom: ["+15550001111"], selfChatMode: false })).toBe(false);
  expect(safeguards({ selfChatMode: true })).toBe(true);
  expect(selfChatSafeguards(whatsappAccounts({ channels: { whatsapp: { allowFrom: ["+15550001111"] } } })[0]!, undefined)).toBe(false);
});
