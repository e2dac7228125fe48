/**
 * Every verb that creates `openclaw.json` seeds it with the gateway section `gateway run` writes on its first run
 * (issue 12, item 1), so a new user's `channels add` -> `gateway run` -> `status` works with no flags. Real child
 * processes in fresh HOMEs, a local Telegram Bot API, the real `openclaw` CLI to check the file is upstream's.
 */
import { afterEach, describe, expect, test } from "bun:test";
import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { skipWithout } from "../../../harness/capability.ts";
import { openclaw, openclawCliAvailable, SKIP_MESSAGE } from "../../../harness/openclaw-cli.ts";
import { freshHome, runCli, spawnGateway, type ChildGateway } from "../../../harness/process.ts";
import { startTelegramApi, type FakeTelegram } from "../../../harness/telegram-api.ts";
import { prepareWhatsAppExtension, WHATSAPP_CACHE_STATE_DIR } from "../../../harness/whatsapp-fake.ts";
import { extensionDir, installed } from "../../../../runtime-bun/host/channels/whatsapp/extension.ts";

const realCli = !skipWithout(openclawCliAvailable(), "the real CLI's check of a first-run file", SKIP_MESSAGE);
const whatsapp = !skipWithout(installed(extensionDir(WHATSAPP_CACHE_STATE_DIR)), "whatsapp add on a fresh HOME", "run: bun test/tools/install-whatsapp.ts");

const homes: string[] = [];
const gateways: ChildGateway[] = [];
const apis: FakeTelegram[] = [];
afterEach(async () => {
  for (const g of gateways.splice(0)) {
    g.proc.kill("SIGTERM");
    await g.proc.exited;
  }
  for (const api of apis.splice(0)) api.stop();
  for (const h of homes.splice(0)) rmSync(h, { recursive: true, force: true });
});

function home(): string {
  const h = freshHome();
  homes.push(h);
  return h;
}

const configPath = (h: string) => join(h, ".openclaw", "openclaw.json");
const configOf = (h: string) => JSON.parse(readFileSync(configPath(h), "utf8"));
const notice = (h: string) => `created ${configPath(h)} with a new gateway token (gateway.auth.token); the local CLI reads it from there.\n`;

describe("channels add on an empty HOME", () => {
  test("-> the first-run gateway section with a token; gateway run, status and gateway call health then work with no flags", async () => {
    const h = home();
    const tg = startTelegramApi();
    apis.push(tg);
    const added = await runCli(h, ["channels", "add", "--channel", "telegram", "--token", tg.token]);
    expect(added).toEqual({ code: 0, stdout: 'Added Telegram account "default".\n', stderr: notice(h) });
    const config = configOf(h);
    expect(config).toEqual({ gateway: { mode: "local", bind: "loopback", auth: { mode: "token", token: expect.stringMatching(/^[0-9a-f]{48}$/) } }, channels: { telegram: { enabled: true, botToken: tg.token } } });
    expect(statSync(configPath(h)).mode & 0o777).toBe(0o600);
    expect(statSync(join(h, ".openclaw")).mode & 0o777).toBe(0o700);

    // An existing file is edited, not seeded again: no notice, the token stays.
    const set = await runCli(h, ["config", "set", "channels.telegram.apiRoot", tg.apiRoot]);
    expect(set.code).toBe(0);
    expect(set.stderr).toBe("");
    expect(configOf(h).gateway.auth.token).toBe(config.gateway.auth.token);

    const g = await spawnGateway(h, ["--port", "0"]);
    gateways.push(g);
    expect(g.stderr()).not.toContain("created");
    await tg.until(() => tg.polling() > 0);
    const health = await runCli(h, ["gateway", "call", "health", "--json"]);
    expect(health.stderr).toBe("");
    expect(JSON.parse(health.stdout).ok).toBe(true);
    const status = await runCli(h, ["status", "--json"]);
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout).gateway).toMatchObject({ reachable: true });
    const channels = await runCli(h, ["channels", "status"]);
    expect(channels.stdout).toContain("- Telegram default: enabled, configured, running");

    if (!realCli) return;
    // The file is one upstream's CLI accepts as it is (upstream's own `channels add` writes no gateway section).
    const validate = await openclaw(["config", "validate", "--json"], h);
    expect(JSON.parse(validate.stdout)).toMatchObject({ valid: true });
  }, 120_000);

  test("with OPENCLAW_GATEWAY_TOKEN in the environment -> no token written; the notice names the variable", async () => {
    const h = home();
    const added = await runCli(h, ["channels", "add", "--channel", "discord", "--token", "discord-bot-token"], { OPENCLAW_GATEWAY_TOKEN: "envTok999" });
    expect(added.code).toBe(0);
    expect(added.stderr).toBe(`created ${configPath(h)} with no secret: the gateway uses OPENCLAW_GATEWAY_TOKEN, which the CLI reads too when it is in its environment.\n`);
    expect(configOf(h).gateway).toEqual({ mode: "local", bind: "loopback" });
  }, 60_000);

  test("bad input -> a clear error and no file", async () => {
    const h = home();
    const bad = await runCli(h, ["channels", "add", "--channel", "telegram", "--token", "not-a-token"]);
    expect(bad).toEqual({ code: 1, stdout: "", stderr: "error Invalid Telegram bot token: expected <digits>:<secret> as BotFather prints it.\n" });
    expect(existsSync(configPath(h))).toBe(false);
  }, 60_000);

  test.skipIf(!whatsapp)("--channel whatsapp (support already installed) -> seeded the same way", async () => {
    const h = home();
    prepareWhatsAppExtension(join(h, ".openclaw"), "ws://127.0.0.1:9");
    const added = await runCli(h, ["channels", "add", "--channel", "whatsapp"]);
    expect(added.code).toBe(0);
    expect(added.stderr).toBe(notice(h));
    expect(configOf(h)).toEqual({ gateway: { mode: "local", bind: "loopback", auth: { mode: "token", token: expect.stringMatching(/^[0-9a-f]{48}$/) } }, channels: { whatsapp: { enabled: true } } });
  }, 60_000);
});

describe("other verbs that create the file", () => {
  test("config set -> seeded, the notice on stderr; --dry-run and unset create nothing", async () => {
    const h = home();
    const dry = await runCli(h, ["config", "set", "gateway.port", "19001", "--dry-run"]);
    expect(dry.code).toBe(0);
    expect(existsSync(configPath(h))).toBe(false);
    const unset = await runCli(h, ["config", "unset", "gateway.mode"]);
    expect(unset.code).toBe(1);
    expect(unset.stderr).toContain("Config path not found: gateway.mode.");
    expect(existsSync(configPath(h))).toBe(false);

    const set = await runCli(h, ["config", "set", "gateway.port", "19001"]);
    expect(set.code).toBe(0);
    expect(set.stdout).toStartWith("Updated gateway.port.");
    expect(set.stderr).toBe(notice(h));
    expect(configOf(h).gateway).toEqual({ mode: "local", bind: "loopback", auth: { mode: "token", token: expect.stringMatching(/^[0-9a-f]{48}$/) }, port: 19001 });
  }, 60_000);

  test("config patch --json -> seeded; stdout stays one JSON document", async () => {
    const h = home();
    const patch = join(h, "patch.json5");
    writeFileSync(patch, "{ gateway: { port: 19002 } }");
    const patched = await runCli(h, ["config", "patch", "--file", patch, "--json"]);
    expect(patched.code).toBe(0);
    expect(JSON.parse(patched.stdout)).toMatchObject({ ok: true, path: configPath(h) });
    expect(patched.stderr).toBe(notice(h));
    expect(configOf(h).gateway).toMatchObject({ mode: "local", port: 19002, auth: { mode: "token" } });
  }, 60_000);

  test("doctor --generate-gateway-token -> a file gateway run starts from, with the token doctor generated", async () => {
    const h = home();
    const doctor = await runCli(h, ["doctor", "--generate-gateway-token", "--json"]);
    const finding = JSON.parse(doctor.stdout).findings.find((f: { checkId: string }) => f.checkId === "gateway/auth-token");
    expect(finding).toMatchObject({ severity: "info", fixed: true });
    const config = configOf(h);
    expect(config.gateway).toEqual({ mode: "local", bind: "loopback", auth: { mode: "token", token: expect.stringMatching(/^[0-9a-f]{48}$/) } });
    const g = await spawnGateway(h, ["--port", "0"]);
    gateways.push(g);
    const health = await runCli(h, ["gateway", "call", "health", "--json"]);
    expect(JSON.parse(health.stdout).ok).toBe(true);
  }, 60_000);
});
