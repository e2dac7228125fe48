/**
 * `channels.telegram.*` as upstream reads it: accounts (`accounts.<id>`, the
 * root being the default account), `defaultAccount`, the bot token from
 * `tokenFile` > `botToken` > `TELEGRAM_BOT_TOKEN` (default account only; the
 * file must be a regular file, symlinks refused), access fields inherited
 * from the root (`groups` replaced, not merged), `textChunkLimit` (default
 * 4000), `apiRoot`, and webhook mode (`webhookUrl`, `webhookSecret`,
 * `webhookPath`, `webhookHost`, `webhookPort`; a `webhookUrl` selects it).
 * The token file and the environment come from the host (TelegramSources).
 * Runtime-agnostic.
 */
import { DM_POLICIES, GROUP_POLICIES, type AccessSettings, type ChannelAccountConfig, type DmPolicy, type GroupPolicy } from "../contract.ts";
import type { OpenClawConfig } from "../../config/schema.ts";
import { chunkModeOf } from "../chunk.ts";
import type { SecretFileReader } from "../../runtime.ts";
import { DEFAULT_ACCOUNT_ID } from "../../sender-pairing/sender-pairing.ts";

/** Telegram's own limit on one message. */
export const TELEGRAM_MAX_TEXT = 4096;
const DEFAULT_CHUNK_LIMIT = 4000;
export const DEFAULT_API_ROOT = "https://api.telegram.org";
/** Webhook listener defaults (upstream's). */
export const DEFAULT_WEBHOOK_PATH = "/telegram-webhook";
export const DEFAULT_WEBHOOK_HOST = "127.0.0.1";
export const DEFAULT_WEBHOOK_PORT = 8787;

type Section = Record<string, unknown>;

/** Where account settings beyond the config come from: the environment (`TELEGRAM_BOT_TOKEN`) and `tokenFile`. */
export interface TelegramSources {
  env: Readonly<Record<string, string | undefined>>;
  readSecretFile: SecretFileReader;
}

/** A resolved account, with what the adapter needs beyond the framework's view. */
export interface TelegramAccount extends ChannelAccountConfig {
  token?: string;
  tokenSource: "config" | "file" | "env" | "none";
  /** Why the token file could not be used (shown in status). */
  tokenError?: string;
  apiRoot: string;
  /** Webhook mode instead of long polling, when `webhookUrl` is set. */
  webhook?: TelegramWebhookSettings;
}

/** Where Telegram posts updates (`url`, public) and where the gateway listens for them. */
export interface TelegramWebhookSettings {
  url: string;
  secret?: string;
  path: string;
  host: string;
  port: number;
}

function section(config: OpenClawConfig): Section | undefined {
  const channels = (config as { channels?: Record<string, unknown> }).channels;
  const telegram = channels?.telegram;
  return telegram && typeof telegram === "object" ? (telegram as Section) : undefined;
}

function accountsOf(root: Section): Record<string, Section> {
  const raw = root.accounts;
  if (!raw || typeof raw !== "object") return {};
  const out: Record<string, Section> = {};
  for (const [id, value] of Object.entries(raw)) if (value && typeof value === "object") out[id.trim() || DEFAULT_ACCOUNT_ID] = value as Section;
  return out;
}

const str = (v: unknown): string | undefined => (typeof v === "string" && v.trim() ? v.trim() : undefined);
const list = (v: unknown): string[] => (Array.isArray(v) ? v.map((e) => String(e).trim()).filter(Boolean) : []);

/** Account ids: the named accounts, plus "default" when the root itself carries a token or there are none. */
export function telegramAccountIds(config: OpenClawConfig): string[] {
  const root = section(config);
  if (!root) return [];
  const named = Object.keys(accountsOf(root));
  const rootHasToken = str(root.botToken) !== undefined || str(root.tokenFile) !== undefined;
  const ids = named.length === 0 || rootHasToken ? [DEFAULT_ACCOUNT_ID, ...named.filter((id) => id !== DEFAULT_ACCOUNT_ID)] : named;
  const preferred = defaultTelegramAccountId(config, ids);
  return [preferred, ...ids.filter((id) => id !== preferred)];
}

/** `defaultAccount`, else "default" when present, else the first account. */
export function defaultTelegramAccountId(config: OpenClawConfig, ids = telegramAccountIds(config)): string {
  const wanted = str(section(config)?.defaultAccount);
  if (wanted && ids.includes(wanted)) return wanted;
  return ids.includes(DEFAULT_ACCOUNT_ID) ? DEFAULT_ACCOUNT_ID : (ids[0] ?? DEFAULT_ACCOUNT_ID);
}

function readTokenFile(path: string, read: SecretFileReader): { token?: string; error?: string } {
  const file = read(path);
  if ("problem" in file) return { error: file.problem === "not-regular-file" ? `tokenFile ${path} is not a regular file` : `tokenFile ${path} cannot be read: ${file.problem}` };
  const token = file.text.trim();
  return token ? { token } : { error: `tokenFile ${path} is empty` };
}

function access(root: Section, account: Section): AccessSettings {
  const pick = (key: string) => (account[key] !== undefined ? account[key] : root[key]);
  const dmPolicy = pick("dmPolicy");
  const groupPolicy = pick("groupPolicy");
  const groups = (account.groups !== undefined ? account.groups : root.groups) as AccessSettings["groups"] | undefined;
  const chunk = Number(pick("textChunkLimit"));
  return {
    dmPolicy: (DM_POLICIES as readonly unknown[]).includes(dmPolicy) ? (dmPolicy as DmPolicy) : "pairing",
    allowFrom: list(pick("allowFrom")),
    groupPolicy: (GROUP_POLICIES as readonly unknown[]).includes(groupPolicy) ? (groupPolicy as GroupPolicy) : "allowlist",
    groupAllowFrom: list(pick("groupAllowFrom")),
    groups: groups && typeof groups === "object" ? groups : {},
    textChunkLimit: Number.isInteger(chunk) && chunk > 0 ? Math.min(chunk, TELEGRAM_MAX_TEXT) : DEFAULT_CHUNK_LIMIT,
    chunkMode: chunkModeOf(account, root),
  };
}

function webhookOf(pick: (key: string) => unknown): TelegramWebhookSettings | undefined {
  const url = str(pick("webhookUrl"));
  if (!url) return undefined;
  const path = str(pick("webhookPath")) ?? DEFAULT_WEBHOOK_PATH;
  const port = Number(pick("webhookPort") ?? DEFAULT_WEBHOOK_PORT);
  return {
    url,
    secret: str(pick("webhookSecret")),
    path: path.startsWith("/") ? path : `/${path}`,
    host: str(pick("webhookHost")) ?? DEFAULT_WEBHOOK_HOST,
    port: Number.isInteger(port) && port >= 0 && port <= 65_535 ? port : DEFAULT_WEBHOOK_PORT,
  };
}

/** Every Telegram account of `config`, the default first. */
export function telegramAccounts(config: OpenClawConfig, sources: TelegramSources): TelegramAccount[] {
  const root = section(config);
  if (!root) return [];
  const named = accountsOf(root);
  return telegramAccountIds(config).map((accountId): TelegramAccount => {
    const own = accountId === DEFAULT_ACCOUNT_ID && !named[DEFAULT_ACCOUNT_ID] ? {} : (named[accountId] ?? {});
    const isRootAccount = accountId === DEFAULT_ACCOUNT_ID;
    const tokenFile = str(own.tokenFile) ?? (isRootAccount ? str(root.tokenFile) : undefined);
    const configToken = str(own.botToken) ?? (isRootAccount ? str(root.botToken) : undefined);
    const envToken = isRootAccount ? str(sources.env.TELEGRAM_BOT_TOKEN) : undefined;
    let token: string | undefined;
    let tokenSource: TelegramAccount["tokenSource"] = "none";
    let tokenError: string | undefined;
    if (tokenFile) {
      const read = readTokenFile(tokenFile, sources.readSecretFile);
      token = read.token;
      tokenError = read.error;
      if (token) tokenSource = "file";
    }
    if (!token && configToken) [token, tokenSource] = [configToken, "config"];
    if (!token && envToken) [token, tokenSource] = [envToken, "env"];
    const enabled = root.enabled !== false && own.enabled !== false;
    const apiRoot = (str(own.apiRoot) ?? str(root.apiRoot) ?? DEFAULT_API_ROOT).replace(/\/+$/, "");
    const webhook = webhookOf((key) => (own[key] !== undefined ? own[key] : root[key]));
    return {
      accountId,
      ...(str(own.name) ? { name: str(own.name) } : {}),
      enabled,
      configured: token !== undefined,
      access: access(root, own),
      details: { mode: webhook ? "webhook" : "polling", tokenSource, ...(apiRoot !== DEFAULT_API_ROOT ? { baseUrl: apiRoot } : {}) },
      token,
      tokenSource,
      ...(tokenError ? { tokenError } : {}),
      apiRoot,
      ...(webhook ? { webhook } : {}),
    };
  });
}

/** The config paths `channels.logout` removes: the account's botToken (the env token is never touched). */
export function telegramCredentialPaths(config: OpenClawConfig, accountId: string): string[][] {
  const root = section(config);
  if (!root) return [];
  const named = accountsOf(root);
  const paths: string[][] = [];
  if (named[accountId]) paths.push(["channels", "telegram", "accounts", accountId, "botToken"]);
  if (accountId === DEFAULT_ACCOUNT_ID) paths.push(["channels", "telegram", "botToken"]);
  return paths;
}
