/**
 * The real `openclaw channels status --probe` (2026.9.6) renders clawgate's answer for a linked WhatsApp account
 * connected through the tests' harness (test/harness/whatsapp-fake.ts) in upstream's line, `linked` included.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { skipWithout } from "../harness/capability.ts";
import { CLI_CALL_TIMEOUT_MS, openclaw, openclawCliAvailable, SKIP_MESSAGE } from "../harness/openclaw-cli.ts";
import { freshHome, spawnGateway, type ChildGateway } from "../harness/process.ts";
import { prepareWhatsAppExtension, startWhatsApp, type WhatsAppFake } from "../harness/whatsapp-fake.ts";

const TOKEN = "whatsapp-cli-gateway-token-0123456789";
const skip = skipWithout(openclawCliAvailable(), "openclaw channels status --probe (WhatsApp)", SKIP_MESSAGE);
const stateDir = mkdtempSync(join(tmpdir(), "clawgate-whatsapp-cli-"));
const home = freshHome();
let fake: WhatsAppFake;
let gw: ChildGateway;

beforeAll(async () => {
  if (skip) return;
  fake = startWhatsApp();
  prepareWhatsAppExtension(stateDir, fake.url);
  const authDir = join(stateDir, "credentials", "whatsapp", "default");
  mkdirSync(authDir, { recursive: true, mode: 0o700 });
  writeFileSync(join(authDir, "creds.json"), JSON.stringify({ me: { id: "15550001111:7@s.whatsapp.net" } }), { mode: 0o600 });
  const config = { gateway: { mode: "local", bind: "loopback", auth: { mode: "token", token: TOKEN } }, channels: { whatsapp: {} } };
  writeFileSync(join(stateDir, "openclaw.json"), JSON.stringify(config), { mode: 0o600 });
  gw = await spawnGateway(stateDir, ["--port", "0"], { OPENCLAW_STATE_DIR: stateDir });
  await fake.until(() => fake.connections() === 1);
  mkdirSync(join(home, ".openclaw"), { mode: 0o700 });
  writeFileSync(join(home, ".openclaw", "openclaw.json"), JSON.stringify({ gateway: { mode: "local", port: gw.port, auth: { mode: "token", token: TOKEN } } }), { mode: 0o600 });
});
afterAll(() => {
  gw?.proc.kill("SIGKILL");
  fake?.stop();
  rmSync(stateDir, { recursive: true, force: true });
  rmSync(home, { recursive: true, force: true });
});

test.skipIf(skip)("channels status --probe: the linked account in upstream's line, probe working", async () => {
  const out = await openclaw(["channels", "status", "--probe"], home);
  expect({ code: out.code, stderr: out.stderr }).toEqual({ code: 0, stderr: "" });
  expect(out.stdout).toContain("- WhatsApp default: enabled, configured, linked, running, connected, transport:just now, dm:pairing, health:healthy, works\n");
}, CLI_CALL_TIMEOUT_MS);
