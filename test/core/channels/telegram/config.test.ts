/**
 * `channels.telegram` token sources as upstream reads them, through the host's
 * secret-file reader on real files: `tokenFile` > `botToken` >
 * `TELEGRAM_BOT_TOKEN` (default account only); a symlink, a missing or an
 * empty file is refused with a reason the status shows, never the token.
 */
import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { telegramAccounts } from "../../../../core/channels/telegram/config.ts";
import { telegramPlugin } from "../../../../core/channels/telegram/plugin.ts";
import type { OpenClawConfig } from "../../../../core/config/schema.ts";
import { readSecretFile } from "../../../../runtime-bun/host/secret-file.ts";
import { listenHttp } from "../../../../runtime-bun/http-listener.ts";

const dir = mkdtempSync(join(tmpdir(), "clawgate-telegram-config-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text, { mode: 0o600 });
  return path;
};
const config = (telegram: Record<string, unknown>) => ({ channels: { telegram } }) as OpenClawConfig;
const env = { TELEGRAM_BOT_TOKEN: "555:env-token" };
const sole = (telegram: Record<string, unknown>, environment: Record<string, string> = {}) => telegramAccounts(config(telegram), { env: environment, readSecretFile })[0]!;

test("tokenFile (trimmed) wins over botToken and TELEGRAM_BOT_TOKEN", () => {
  const account = sole({ tokenFile: file("token", "  111:file-token\n"), botToken: "222:config-token" }, env);
  expect([account.token, account.tokenSource, account.configured, account.tokenError]).toEqual(["111:file-token", "file", true, undefined]);
  expect(sole({ botToken: "222:config-token" }, env).tokenSource).toBe("config");
  expect([sole({}, env).token, sole({}, env).tokenSource]).toEqual(["555:env-token", "env"]);
});

test("a symlinked, missing or empty tokenFile -> its reason, and the next source is used", () => {
  const target = file("real-token", "333:behind-a-link");
  const link = join(dir, "link");
  symlinkSync(target, link);
  const linked = sole({ tokenFile: link, botToken: "222:config-token" });
  expect([linked.token, linked.tokenSource, linked.tokenError]).toEqual(["222:config-token", "config", `tokenFile ${link} is not a regular file`]);
  const missing = sole({ tokenFile: join(dir, "absent") });
  expect([missing.token, missing.configured, missing.tokenError]).toEqual([undefined, false, `tokenFile ${join(dir, "absent")} cannot be read: ENOENT`]);
  expect(sole({ tokenFile: dir }).tokenError).toBe(`tokenFile ${dir} is not a regular file`);
  expect(sole({ tokenFile: file("empty", " \n") }).tokenError).toBe(`tokenFile ${join(dir, "empty")} is empty`);
});

test("TELEGRAM_BOT_TOKEN is the default account's only; a named account needs its own", () => {
  const accounts = telegramAccounts(config({ accounts: { default: {}, work: { tokenFile: file("work", "444:work-token") } } }), { env, readSecretFile });
  expect(accounts.map((a) => [a.accountId, a.token, a.tokenSource])).toEqual([["default", "555:env-token", "env"], ["work", "444:work-token", "file"]]);
  const alone = telegramAccounts(config({ accounts: { work: {} } }), { env, readSecretFile });
  expect(alone.map((a) => [a.accountId, a.configured])).toEqual([["work", false]]);
});

test("the plugin's account list shows an unreadable tokenFile as the account's error and never carries a token", () => {
  const plugin = telegramPlugin({ env: {}, readSecretFile, listenHttp });
  const [broken] = plugin.accounts(config({ tokenFile: join(dir, "absent") }));
  expect(broken).toMatchObject({ configured: false, details: { tokenSource: "none", lastError: `tokenFile ${join(dir, "absent")} cannot be read: ENOENT` } });
  const [fine] = plugin.accounts(config({ tokenFile: file("fine", "666:secret-token") }));
  expect(JSON.stringify(fine)).not.toContain("666:secret-token");
  expect(fine).toMatchObject({ configured: true, details: { tokenSource: "file" } });
});
