/**
 * `clawgate channels add|login|logout --channel whatsapp`. `add` and `login` first bring in WhatsApp support (the
 * optional install, ../channels/whatsapp/extension.ts) with progress on stderr; `add` enables the account in the
 * local config; `login` asks the running gateway for a QR (`web.login.start`), prints it in the terminal and waits
 * (`web.login.wait`) until the phone linked it; `logout` (`channels.logout`) stops the account and removes its
 * credentials.
 */
import { getAt, isPlainObject, jsonEqual, setAt } from "../../../core/config/object-path.ts";
import { extensionDir, installWhatsApp } from "../channels/whatsapp/extension.ts";
import { terminalQr } from "../channels/whatsapp/terminal-qr.ts";
import { currentPaths } from "../state.ts";
import { openConfigEdit, writeEdit } from "./config-edit.ts";
import { EXIT, fail, printJson } from "./output.ts";
import { report, rpc, type CommandFlags } from "./rpc-command.ts";

export interface WhatsAppCommandFlags extends CommandFlags {
  account?: string;
  authDir?: string;
  name?: string;
}

/** How long one `web.login.wait` call waits before the CLI asks again (upstream's default wait). */
const WAIT_MS = 120_000;

async function install(profile: string | undefined): Promise<number | undefined> {
  try {
    await installWhatsApp(currentPaths(profile).stateDir, (line) => process.stderr.write(`${line}\n`));
    return undefined;
  } catch (error) {
    return fail(error instanceof Error ? error.message : String(error));
  }
}

/** Enables the account in the local config (with `--auth-dir` / `--name` when given); undefined on success. */
function enable(flags: WhatsAppCommandFlags, accountId: string): number | undefined {
  const opened = openConfigEdit(currentPaths(flags.profile).configPath);
  if ("error" in opened) return fail(opened.error);
  const base = ["channels", "whatsapp"];
  const at = accountId === "default" && !isPlainObject(getAt(opened.base, [...base, "accounts", "default"])) ? base : [...base, "accounts", accountId];
  let next = setAt(opened.base, [...at, "enabled"], true);
  if (flags.authDir !== undefined) next = setAt(next, [...at, "authDir"], flags.authDir);
  if (flags.name !== undefined) next = setAt(next, [...at, "name"], flags.name);
  if (opened.snapshot.exists && jsonEqual(next, opened.base)) return undefined;
  const problem = writeEdit(opened, next as Record<string, unknown>);
  return problem === undefined ? undefined : fail(problem, EXIT.config);
}

function accountOf(flags: WhatsAppCommandFlags): string | { error: string } {
  if (flags.account === undefined) return "default";
  const id = flags.account.trim().toLowerCase();
  return id ? id : { error: "--account must not be blank" };
}

/** `channels add --channel whatsapp [--account id] [--auth-dir path] [--name n]`. */
export async function whatsappAdd(flags: WhatsAppCommandFlags): Promise<number> {
  const account = accountOf(flags);
  if (typeof account !== "string") return fail(account.error);
  const failed = (await install(flags.profile)) ?? enable(flags, account);
  if (failed !== undefined) return failed;
  process.stdout.write(`Added WhatsApp account "${account}". Link it with: clawgate channels login --channel whatsapp${account === "default" ? "" : ` --account ${account}`}\n`);
  return EXIT.ok;
}

interface LoginAnswer {
  message: string;
  qrDataUrl?: string;
  connected?: boolean;
}

/** `channels login --channel whatsapp [--account id]`: QR in the terminal until linked. */
export async function whatsappLogin(flags: WhatsAppCommandFlags): Promise<number> {
  const account = accountOf(flags);
  if (typeof account !== "string") return fail(account.error);
  const failed = (await install(flags.profile)) ?? enable(flags, account);
  if (failed !== undefined) return failed;
  const dir = extensionDir(currentPaths(flags.profile).stateDir);
  const params = { channel: "whatsapp", accountId: account };
  const started = await rpc<LoginAnswer>(flags, "web.login.start", params, undefined, { timeoutMs: 60_000 });
  if (!started.ok) return report(flags, started.failure, started.hint);
  const first = started.payload;
  if (!first.qrDataUrl) {
    // Linked at once (a recovered session), already linked, or a failure to show.
    if (flags.json) printJson(first);
    else process.stdout.write(`${first.message}\n`);
    return first.connected || /already linked/.test(first.message) ? EXIT.ok : EXIT.failure;
  }
  let qr = first.qrDataUrl;
  const show = async (answer: LoginAnswer) => {
    if (!flags.json) process.stdout.write(`${await terminalQr(dir, qr)}\n${answer.message}\n`);
  };
  await show(first);
  for (;;) {
    const waited = await rpc<LoginAnswer>(flags, "web.login.wait", { ...params, timeoutMs: WAIT_MS, currentQrDataUrl: qr }, undefined, { timeoutMs: WAIT_MS + 15_000 });
    if (!waited.ok) return report(flags, waited.failure, waited.hint);
    const answer = waited.payload;
    if (answer.qrDataUrl) {
      qr = answer.qrDataUrl;
      await show(answer);
      continue;
    }
    if (!answer.connected && answer.message.startsWith("Still waiting")) continue;
    if (flags.json) printJson(answer);
    else process.stdout.write(`${answer.message}\n`);
    return answer.connected ? EXIT.ok : EXIT.failure;
  }
}

/** `channels logout --channel <id> [--account id]` through the gateway. */
export async function channelsLogout(channel: string, flags: WhatsAppCommandFlags): Promise<number> {
  const result = await rpc<{ channel: string; accountId: string; cleared: boolean }>(flags, "channels.logout", { channel, ...(flags.account ? { accountId: flags.account } : {}) });
  if (!result.ok) return report(flags, result.failure, result.hint);
  if (flags.json) printJson(result.payload);
  else process.stdout.write(result.payload.cleared ? `Logged out ${result.payload.channel} account "${result.payload.accountId}".\n` : `No ${result.payload.channel} session to clear for account "${result.payload.accountId}".\n`);
  return EXIT.ok;
}
