import { expect, test } from "bun:test";
import { isGroupJid, isStatusOrBroadcast, jidToSenderId, normalizeE164, normalizeJid, toJid } from "../../../../core/channels/whatsapp/jid.ts";

test("allowFrom entries -> E.164 whatever the user typed", () => {
  expect(["+1 (555) 123-4567", "whatsapp:+15551234567", "15551234567", " +15551234567 "].map(normalizeE164)).toEqual(Array(4).fill("+15551234567"));
});

test("JIDs: device suffix and c.us dropped; phone JIDs -> E.164 senders, others kept", () => {
  expect(normalizeJid("15551234567:12@s.whatsapp.net")).toBe("15551234567@s.whatsapp.net");
  expect(normalizeJid("15551234567@c.us")).toBe("15551234567@s.whatsapp.net");
  expect(jidToSenderId("15551234567:3@s.whatsapp.net")).toBe("+15551234567");
  expect(jidToSenderId("99887766@lid")).toBe("99887766@lid");
  expect(isGroupJid("120363000000000001@g.us")).toBe(true);
  expect([isStatusOrBroadcast("status@broadcast"), isStatusOrBroadcast("1234@broadcast"), isStatusOrBroadcast("15551234567@s.whatsapp.net")]).toEqual([true, true, false]);
});

test("send targets: numbers become user JIDs, JIDs stay, garbage is refused", () => {
  expect(toJid("+1 555 123 4567")).toBe("15551234567@s.whatsapp.net");
  expect(toJid("120363000000000001@g.us")).toBe("120363000000000001@g.us");
  expect(() => toJid("nobody")).toThrow("not a WhatsApp number or JID: nobody");
});
