/**
 * A hook mapping's default destination, `channel: "last"` (upstream's
 * config-hooks.md): the reply goes to the conversation that last reached the
 * agent, here a Telegram DM through a local Bot API
 * (test/harness/telegram-api.ts), on a gateway child process. Before any chat
 * reached the agent there is no route: the reply stays in the agent's main
 * session and nothing is sent.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawnGatewayOn, type ChildGateway } from "../../harness/process.ts";
import { waitFor } from "../../harness/reference-client.ts";
import { startTelegramApi, type FakeTelegram } from "../../harness/telegram-api.ts";

const TOKEN = "hook-last-token-0123456789abcdef";
const HOOK_TOKEN = "hook-last-hook-token-0123456789";
const stateDir = mkdtempSync(join(tmpdir(), "clawgate-hook-last-"));
let tg: FakeTelegram;
let gw: ChildGateway;

beforeAll(async () => {
  tg = startTelegramApi();
  writeFileSync(join(stateDir, "openclaw.json"), JSON.stringify({
    gateway: { mode: "local", auth: { mode: "token", token: TOKEN } },
    channels: { telegram: { botToken: tg.token, apiRoot: tg.apiRoot, dmPolicy: "open", allowFrom: ["*"] } },
    agents: { defaults: { heartbeat: { every: "0m" } } },
    hooks: { enabled: true, token: HOOK_TOKEN, mappings: [{ match: { path: "deploy" }, name: "Deploy", allowUnsafeExternalContent: true, messageTemplate: "deploy {{status}}" }] },
  }), { mode: 0o600 });
  gw = await spawnGatewayOn(stateDir);
  await tg.until(() => tg.polling() > 0);
}, 30_000);

afterAll(() => {
  gw?.proc.kill("SIGKILL");
  tg?.stop();
  rmSync(stateDir, { recursive: true, force: true });
});

const post = (status: string) =>
  fetch(`http://127.0.0.1:${gw.port}/hooks/deploy`, { method: "POST", headers: { authorization: `Bearer ${HOOK_TOKEN}`, "content-type": "application/json" }, body: JSON.stringify({ status }) });

/** The gateway's log lines for hook replies without a route. */
const unrouted = () => readFileSync(join(stateDir, "logs", "gateway.log"), "utf8").split("\n").filter((l) => l.includes("hook reply has no delivery route"));

test("before any chat reached the agent -> no route: logged (the reply stays in the main session), nothing sent", async () => {
  expect((await post("early")).status).toBe(200);
  await waitFor(() => unrouted().length === 1, 10_000);
  expect(tg.sent).toHaveLength(0);
});

test("after a DM -> the mapping's reply goes to that chat", async () => {
  tg.message({ from: 4242, text: "hello" });
  await tg.until(() => tg.sent.length === 1);
  expect((await post("green")).status).toBe(200);
  await tg.until(() => tg.sent.length === 2);
  expect(tg.sent[1]!.chat_id).toBe("4242");
  expect(tg.sent[1]!.text).toContain('Deploy] deploy green".');
});
