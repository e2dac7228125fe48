/**
 * `channels.whatsapp` as upstream configures it (docs/channels/whatsapp.md): account ids come from `accounts`
 * (`default` when there are none); the default account is `default` when present, else the first id in order;
 * named accounts read their own keys, then `accounts.default`'s, then the root's (`authDir`, `enabled`, `name` and
 * `selfChatMode` are never inherited: two accounts never share one session). `dmPolicy` (pairing) + `allowFrom` (E.164);
 * `groupPolicy` (allowlist) + `groupAllowFrom` (falls back to `allowFrom`); `groups` is the group allowlist when
 * present (all groups are eligible without it), with `requireMention` on by default; `selfChatMode`;
 * `textChunkLimit` (4,000), `sendReadReceipts` (on), `replyToMode` (off). Credentials are the linked session's files, never config keys. Runtime-agnostic.
 */
import type { OpenClawConfig } from "../../config/schema.ts";
import { whatsappAccountKeys, whatsappSchema } from "../../config/schema.ts";
import type { z } from "../../zod.ts";
import type { AccessSettings } from "../contract.ts";
import { chunkModeOf } from "../chunk.ts";
import { normalizeE164 } from "./jid.ts";

/** Upstream's default chunk; WhatsApp itself takes far longer messages. */
export const WHATSAPP_CHUNK_LIMIT = 4000;
/** WhatsApp's own limit on one text message. */
export const WHATSAPP_MAX_TEXT = 65_536;

type AccountFields = { [K in keyof typeof whatsappAccountKeys]?: z.infer<(typeof whatsappAccountKeys)[K]> };
/** Keys of the default account that named accounts do not inherit. */
const OWN_ONLY = ["authDir", "enabled", "name", "selfChatMode"] as const;

/** One WhatsApp account with inheritance and upstream's defaults applied. */
export interface WhatsAppAccount {
  accountId: string;
  name?: string;
  enabled: boolean;
  /** A configured `authDir`; without one the host uses `<stateDir>/credentials/whatsapp/<accountId>`. */
  authDir?: string;
  access: AccessSettings;
  /** `undefined` (upstream's default) and `true` admit the linked number's own DMs; `false` ignores them. */
  selfChatMode?: boolean;
  /** Native reply quoting: "first" quotes the answer's first chunk, "all" every chunk; "batched" quotes only answers to
   * debounced batches, which clawgate does not make, so it quotes nothing, as "off" (upstream's default). */
  replyToMode: "off" | "first" | "all" | "batched";
  /** Mark admitted messages read (blue ticks); upstream's default is on, skipped under the self-chat safeguards. */
  sendReadReceipts: boolean;
  /** Why `channels.whatsapp` could not be read (status shows it). */
  configError?: string;
}

const numbers = (list: readonly (string | number)[] | undefined): string[] | undefined => list?.map((v) => (String(v).trim() === "*" ? "*" : normalizeE164(String(v))));

/** The accounts `channels.whatsapp` describes, the default first; none without a `channels.whatsapp` block. */
export function whatsappAccounts(config: OpenClawConfig): WhatsAppAccount[] {
  const raw = (config as { channels?: Record<string, unknown> }).channels?.whatsapp;
  if (raw === undefined) return [];
  const parsed = whatsappSchema.safeParse(raw);
  if (!parsed.success) {
    const problem = `channels.whatsapp: ${parsed.error.issues.map((i) => `${i.path.join(".") || "<root>"}: ${i.message}`).join("; ")}`;
    return [{ ...resolve("default", {}, {}), configError: problem }];
  }
  const { accounts, defaultAccount, ...root } = parsed.data;
  const ids = Object.keys(accounts ?? {}).map((id) => id.trim().toLowerCase()).filter(Boolean);
  const list = ids.length > 0 ? [...new Set(ids)] : ["default"];
  const wanted = defaultAccount?.trim().toLowerCase();
  const defaultId = wanted && list.includes(wanted) ? wanted : list.includes("default") ? "default" : list[0]!;
  const own = (id: string): AccountFields => (Object.entries(accounts ?? {}).find(([k]) => k.trim().toLowerCase() === id)?.[1] ?? {}) as AccountFields;
  const withoutOwn = (fields: AccountFields): AccountFields => {
    const copy = { ...fields };
    for (const key of OWN_ONLY) delete copy[key];
    return copy;
  };
  const inherited = withoutOwn({ ...(root as AccountFields), ...own("default") });
  return [defaultId, ...list.filter((id) => id !== defaultId)].map((id) => resolve(id, id === "default" ? (root as AccountFields) : inherited, own(id)));
}

function resolve(accountId: string, inherited: AccountFields, own: AccountFields): WhatsAppAccount {
  const m: AccountFields = { ...inherited, ...own };
  const allowFrom = numbers(m.allowFrom) ?? [];
  const account: WhatsAppAccount = {
    accountId,
    enabled: m.enabled !== false,
    access: {
      dmPolicy: m.dmPolicy ?? "pairing",
      allowFrom,
      groupPolicy: m.groupPolicy ?? "allowlist",
      groupAllowFrom: numbers(m.groupAllowFrom) ?? [],
      // Without a `groups` map every group is eligible (upstream); the framework reads a map as the allowlist.
      groups: m.groups ?? { "*": {} },
      textChunkLimit: Math.min(m.textChunkLimit ?? WHATSAPP_CHUNK_LIMIT, WHATSAPP_MAX_TEXT),
      chunkMode: chunkModeOf(own, inherited),
    },
    replyToMode: m.replyToMode ?? "off",
    sendReadReceipts: m.sendReadReceipts !== false,
  };
  if (m.name) account.name = m.name;
  if (m.authDir) account.authDir = m.authDir;
  if (m.selfChatMode !== undefined) account.selfChatMode = m.selfChatMode;
  return account;
}

/**
 * Upstream's self-chat safeguards (a personal number linked to the gateway): on with `selfChatMode: true`, off with
 * `false`, and when unset on if the linked number itself is in `allowFrom`. Under them no read receipts are sent, so
 * the owner's contacts never see their messages read by the gateway.
 */
export function selfChatSafeguards(account: WhatsAppAccount, selfE164: string | undefined): boolean {
  return account.selfChatMode ?? (selfE164 !== undefined && account.access.allowFrom.includes(selfE164));
}
