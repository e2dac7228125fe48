/**
 * Access policy as upstream decides it (docs/channels/telegram/access-control.md):
 * each rule next to the input it lets through.
 */
import { describe, expect, test } from "bun:test";
import { decideAccess } from "../../../core/channels/access.ts";
import type { AccessSettings, InboundMessage } from "../../../core/channels/contract.ts";

const base: AccessSettings = { dmPolicy: "pairing", allowFrom: [], groupPolicy: "allowlist", groupAllowFrom: [], groups: {}, textChunkLimit: 4096 };
const dm = (senderId = "111"): InboundMessage => ({ id: "1", chatId: senderId, chatType: "direct", senderId, text: "hi", mentioned: false, ts: 0 });
const group = (over: Partial<InboundMessage> = {}): InboundMessage => ({ id: "2", chatId: "-100", chatType: "group", senderId: "111", text: "hi", mentioned: false, ts: 0, ...over });

describe("DMs", () => {
  test("pairing (default): unknown sender -> pair; approved by pairing -> allow; allowFrom (tg: prefix) -> allow", () => {
    expect(decideAccess(base, dm(), false)).toEqual({ kind: "pair" });
    expect(decideAccess(base, dm(), true)).toEqual({ kind: "allow" });
    expect(decideAccess({ ...base, allowFrom: ["tg:111"] }, dm(), false)).toEqual({ kind: "allow" });
  });

  test("allowlist: only allowFrom; a pairing approval does not widen it", () => {
    const s = { ...base, dmPolicy: "allowlist" as const, allowFrom: ["telegram:222"] };
    expect(decideAccess(s, dm("222"), false).kind).toBe("allow");
    expect(decideAccess(s, dm("111"), true)).toEqual({ kind: "drop", reason: "dm-not-allowlisted" });
  });

  test("open: public only with \"*\"; otherwise only the listed senders", () => {
    expect(decideAccess({ ...base, dmPolicy: "open", allowFrom: ["*"] }, dm("999"), false).kind).toBe("allow");
    expect(decideAccess({ ...base, dmPolicy: "open", allowFrom: ["222"] }, dm("999"), true).kind).toBe("drop");
  });

  test("disabled: every DM dropped, even an allowlisted one", () => {
    expect(decideAccess({ ...base, dmPolicy: "disabled", allowFrom: ["111"] }, dm(), true)).toEqual({ kind: "drop", reason: "dm-disabled" });
  });
});

describe("groups", () => {
  test("allowlist with no groups map -> every group blocked", () => {
    expect(decideAccess({ ...base, allowFrom: ["111"] }, group({ mentioned: true }), true)).toEqual({ kind: "drop", reason: "group-not-allowed" });
  });

  test("a listed group: sender from groupAllowFrom, else allowFrom (never pairing approvals); mention required by default", () => {
    const s = { ...base, groups: { "-100": {} }, allowFrom: ["111"] };
    expect(decideAccess(s, group({ mentioned: true }), false).kind).toBe("allow");
    expect(decideAccess(s, group({ mentioned: false }), false)).toEqual({ kind: "drop", reason: "no-mention" });
    expect(decideAccess({ ...s, groupAllowFrom: ["333"] }, group({ mentioned: true }), true)).toEqual({ kind: "drop", reason: "group-sender-not-allowed" });
    expect(decideAccess({ ...base, groups: { "-100": {} } }, group({ mentioned: true }), true)).toEqual({ kind: "drop", reason: "group-sender-not-allowed" });
  });

  test("requireMention: false lets unmentioned messages through; \"*\" covers every group", () => {
    const s = { ...base, groupAllowFrom: ["*"], groups: { "*": { requireMention: false } } };
    expect(decideAccess(s, group({ chatId: "-555" }), false).kind).toBe("allow");
  });

  test("open without a groups map: any group, any sender, mention still required", () => {
    const s = { ...base, groupPolicy: "open" as const };
    expect(decideAccess(s, group({ senderId: "9", mentioned: true }), false).kind).toBe("allow");
    expect(decideAccess(s, group({ senderId: "9" }), false).kind).toBe("drop");
  });

  test("disabled: dropped", () => {
    expect(decideAccess({ ...base, groupPolicy: "disabled", groups: { "*": {} } }, group({ mentioned: true }), true)).toEqual({ kind: "drop", reason: "groups-disabled" });
  });
});
