/**
 * WhatsApp configured and linked, but its optional install missing (a fresh machine, a copied state dir): the
 * account says so with the command that installs it, QR login answers the same, and the gateway keeps serving.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCliIsolated, spawnGateway, type ChildGateway } from "../../../harness/process.ts";
import { connected, connectParams, type RawSocket } from "../../../harness/raw-socket.ts";

const TOKEN = "whatsapp-missing-gateway-token-0123456789";
const stateDir = mkdtempSync(join(tmpdir(), "clawgate-whatsapp-missing-"));
let gw: ChildGateway;
let admin: RawSocket;

beforeAll(async () => {
  const config = { gateway: { mode: "local", bind: "loopback", auth: { mode: "token", token: TOKEN } }, channels: { whatsapp: {} } };
  writeFileSync(join(stateDir, "openclaw.json"), JSON.stringify(config), { mode: 0o600 });
  const authDir = join(stateDir, "credentials", "whatsapp", "default");
  mkdirSync(authDir, { recursive: true, mode: 0o700 });
  writeFileSync(join(authDir, "creds.json"), JSON.stringify({ me: { id: "15550001111:7@s.whatsapp.net" } }), { mode: 0o600 });
  gw = await spawnGateway(stateDir, ["--port", "0"], { OPENCLAW_STATE_DIR: stateDir });
  admin = (await connected(gw.url, connectParams({ auth: { token: TOKEN } }))).sock;
});
afterAll(() => {
  admin?.close();
  gw?.proc.kill("SIGKILL");
  rmSync(stateDir, { recursive: true, force: true });
});

test("clawgate channels list -> the account as upstream lists it: support not installed, linked by its session files", async () => {
  const out = await runCliIsolated(["channels", "list"], { OPENCLAW_STATE_DIR: stateDir });
  expect(out).toEqual({ code: 0, stdout: "Chat channels:\n- WhatsApp default: not installed, configured, enabled, linked\n", stderr: "" });
  const json = await runCliIsolated(["channels", "list", "--json"], { OPENCLAW_STATE_DIR: stateDir });
  expect(JSON.parse(json.stdout)).toEqual({ chat: { whatsapp: { accounts: ["default"], label: "WhatsApp", docsPath: "/channels/whatsapp", installed: false, origin: "configured" } } });
});

test("a linked account without Baileys installed -> status names the install command; login says the same; the gateway serves", async () => {
  const missing = `WhatsApp support (Baileys 7.0.0-rc14) is not installed in ${join(stateDir, "extensions", "whatsapp")}; run clawgate channels add --channel whatsapp`;
  const s = (await admin.request("channels.status", { channel: "whatsapp" })).payload;
  expect(s.channelAccounts.whatsapp[0]).toMatchObject({ running: true, connected: false, linked: true, lastError: missing });
  expect(s.statusIssues).toContainEqual({ channel: "whatsapp", accountId: "default", kind: "runtime", message: `Linked but disconnected (reconnectAttempts=0): ${missing}`, fix: "Run: clawgate doctor (or restart the gateway). If it persists, relink via channels login and check logs." });
  const login = await admin.request("web.login.start", { channel: "whatsapp", force: true });
  expect(login.payload).toEqual({ message: `Failed to start WhatsApp login: ${missing}` });
  expect((await admin.request("health", {})).ok).toBe(true);
});

test("web.login.* refuse what upstream's schema refuses, and a channel without QR login", async () => {
  const bad = await admin.request("web.login.wait", { channel: "whatsapp", currentQrDataUrl: "data:image/jpeg;base64,AAAA" });
  expect(bad.ok).toBe(false);
  expect(bad.error.code).toBe("INVALID_REQUEST");
  const other = await admin.request("web.login.start", { channel: "telegram" });
  expect(other.ok).toBe(false);
  expect(other.error.message).toBe("web login is not supported by provider telegram");
});
