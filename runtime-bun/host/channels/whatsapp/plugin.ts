/**
 * WhatsApp as a channel the gateway knows: config reading is cheap and synchronous; the adapter loads when an
 * account runs, and Baileys (the optional install, ./extension.ts) only when that account has a linked session or a
 * QR login starts. An enabled account always runs: unlinked, it says so in status with the login command.
 */
import type { ChannelPlugin, ChannelStatusIssue } from "../../../../core/channels/contract.ts";
import { WHATSAPP_MAX_TEXT, whatsappAccounts } from "../../../../core/channels/whatsapp/config.ts";
import type { OpenClawConfig } from "../../../../core/config/schema.ts";
import { authDirFor, clearAuthDir } from "./auth-store.ts";
import { whatsappQrLogin } from "./login.ts";

const LOGIN = "clawgate channels login --channel whatsapp";

/** `getConfig` is the gateway's live config (QR login and logout resolve an account's authDir from it). */
export function whatsappPlugin(stateDir: string, getConfig: () => OpenClawConfig): ChannelPlugin {
  const authDir = (accountId: string, config = getConfig()) => authDirFor(stateDir, accountId, whatsappAccounts(config).find((a) => a.accountId === accountId)?.authDir);
  return {
    id: "whatsapp",
    label: "WhatsApp",
    detailLabel: "WhatsApp Web",
    systemImage: "message",
    maxTextLength: WHATSAPP_MAX_TEXT,
    accounts: (config) =>
      whatsappAccounts(config).map((a) => ({
        accountId: a.accountId,
        ...(a.name ? { name: a.name } : {}),
        enabled: a.enabled,
        // As upstream: an account is configured by its auth dir; whether it is linked is live status.
        configured: a.configError === undefined,
        access: a.access,
        details: { ...(a.authDir ? { authDir: a.authDir } : {}), ...(a.configError ? { lastError: a.configError } : {}) },
      })),
    defaultAccountId: (config) => whatsappAccounts(config)[0]?.accountId ?? "default",
    async load() {
      const { whatsappAdapter } = await import("./adapter.ts");
      return (ctx) => whatsappAdapter(ctx, stateDir, authDir(ctx.accountId, ctx.config()), () => whatsappAccounts(ctx.config()).find((a) => a.accountId === ctx.accountId));
    },
    senderIdLine: (senderId) => `Your WhatsApp phone number: ${senderId}`,
    credentialPaths: () => [],
    missingCredentials: { message: "Not linked (no WhatsApp Web session).", fix: `Run: ${LOGIN} (scan QR on the gateway host).` },
    statusIssue: whatsappIssue,
    clearCredentials: async (accountId) => clearAuthDir(authDir(accountId)),
    login: whatsappQrLogin(stateDir, (accountId) => authDir(accountId)),
  };
}

/** Upstream's WhatsApp status issues (collectWhatsAppStatusIssues), with clawgate's commands. */
function whatsappIssue(s: Record<string, unknown> & { accountId: string }): ChannelStatusIssue | undefined {
  const base = { channel: "whatsapp", accountId: s.accountId };
  const lastError = typeof s.lastError === "string" && s.lastError ? s.lastError : undefined;
  const attempts = typeof s.reconnectAttempts === "number" ? ` (reconnectAttempts=${s.reconnectAttempts})` : "";
  const doctor = "Run: clawgate doctor (or restart the gateway). If it persists, relink via channels login and check logs.";
  if (s.healthState === "logged-out") return { ...base, kind: "auth", message: `Session logged out${lastError ? `: ${lastError}` : "."}`, fix: `Run: ${LOGIN} (scan QR on the gateway host).` };
  if (s.running === true && s.linked === false) return { ...base, kind: "auth", message: "Not linked (no WhatsApp Web session).", fix: `Run: ${LOGIN} (scan QR on the gateway host).` };
  if (s.healthState === "conflict") return { ...base, kind: "runtime", message: `Linked but session conflict${attempts}${lastError ? `: ${lastError}` : "."}`, fix: doctor };
  if (s.running === true && s.connected === false && s.linked === true) return { ...base, kind: "runtime", message: `Linked but disconnected${attempts}${lastError ? `: ${lastError}` : "."}`, fix: doctor };
  return undefined;
}
