/**
 * WhatsApp addresses: JIDs (`<digits>@s.whatsapp.net` for a phone, `<id>@g.us` for a group, `@lid` hidden
 * identities, `status@broadcast` and `@broadcast` lists) and the E.164 numbers users write in `allowFrom`
 * (`+15551234567`). Device suffixes (`:12`) are dropped, as Baileys' jidNormalizedUser does. Runtime-agnostic.
 */

const USER_SERVER = "s.whatsapp.net";

/** `+15551234567` from "+1 (555) 123-4567", "whatsapp:+1555...", "15551234567". */
export function normalizeE164(raw: string): string {
  const digits = raw.trim().replace(/^whatsapp:/i, "").replace(/[^\d]/g, "");
  return digits ? `+${digits}` : raw.trim();
}

/** The JID without its device part: `1555:3@s.whatsapp.net` -> `1555@s.whatsapp.net`. */
export function normalizeJid(jid: string): string {
  const at = jid.indexOf("@");
  if (at < 0) return jid;
  const user = jid.slice(0, at).split(":")[0]!;
  const server = jid.slice(at + 1) === "c.us" ? USER_SERVER : jid.slice(at + 1);
  return `${user}@${server}`;
}

export const isGroupJid = (jid: string): boolean => jid.endsWith("@g.us");
/** Status updates and broadcast lists: never agent input (upstream ignores them). */
export const isStatusOrBroadcast = (jid: string): boolean => jid.endsWith("@broadcast") || jid.endsWith("@status");

/** The E.164 number of a phone JID; other JIDs (`@lid`) stay as they are. */
export function jidToSenderId(jid: string): string {
  const normalized = normalizeJid(jid);
  return normalized.endsWith(`@${USER_SERVER}`) ? `+${normalized.slice(0, normalized.indexOf("@"))}` : normalized;
}

/** Where to send: a JID as given, or a phone number (E.164, with or without `+`) as its user JID. */
export function toJid(target: string): string {
  const t = target.trim().replace(/^whatsapp:/i, "");
  if (t.includes("@")) return normalizeJid(t);
  const digits = t.replace(/[^\d]/g, "");
  if (!digits) throw new Error(`not a WhatsApp number or JID: ${target}`);
  return `${digits}@${USER_SERVER}`;
}
