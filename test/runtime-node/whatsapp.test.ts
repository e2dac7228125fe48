/**
 * The Node gateway runs WhatsApp as the Bun one does (harness: test/harness/whatsapp-fake.ts): it links by QR
 * through web.login.start/wait, an unknown DM sender gets upstream's pairing reply, and a dropped link comes back;
 * self-chat notes are answered (quoting them, `replyToMode: "first"`) and marked read, the echo of the answer is
 * not input, and of `append` messages only recent ones are answered.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawnGateway, type ChildGateway } from "../harness/process.ts";
import { connected, connectParams, type RawSocket } from "../harness/raw-socket.ts";
import { RESTART_TIMEOUT_MS, runtimeCommand } from "../harness/runtimes.ts";
import { prepareWhatsAppExtension, startWhatsApp, type WhatsAppFake } from "../harness/whatsapp-fake.ts";

const TOKEN = "node-whatsapp-gateway-token-0123456789";
const stateDir = mkdtempSync(join(tmpdir(), "clawgate-node-whatsapp-"));
let fake: WhatsAppFake;
let gw: ChildGateway;
let admin: RawSocket;

beforeAll(async () => {
  fake = startWhatsApp();
  prepareWhatsAppExtension(stateDir, fake.url);
  const config = { gateway: { mode: "local", bind: "loopback", auth: { mode: "token", token: TOKEN } }, channels: { whatsapp: { replyToMode: "first" } } };
  writeFileSync(join(stateDir, "openclaw.json"), JSON.stringify(config), { mode: 0o600 });
  gw = await spawnGateway(stateDir, ["--port", "0"], { OPENCLAW_STATE_DIR: stateDir }, await runtimeCommand("node"));
  admin = (await connected(gw.url, connectParams({ auth: { token: TOKEN } }))).sock;
}, RESTART_TIMEOUT_MS);
afterAll(() => {
  admin?.close();
  gw?.proc.kill("SIGKILL");
  fake?.stop();
  rmSync(stateDir, { recursive: true, force: true });
});

test("QR login links the account; an unknown DM sender gets upstream's pairing reply; a dropped link comes back", async () => {
  const start = await admin.request("web.login.start", { channel: "whatsapp", timeoutMs: 10_000 });
  expect(start.payload.qrDataUrl).toStartWith("data:image/png;base64,");
  const wait = admin.request("web.login.wait", { channel: "whatsapp", timeoutMs: 10_000 });
  fake.scan("+15550001111");
  expect((await wait).payload).toEqual({ connected: true, message: "✅ Linked! WhatsApp is ready." });
  await fake.until(() => fake.connections() === 1 && fake.opened() === 3, 15_000);

  fake.upsert({ id: "N1", from: "15552223333@s.whatsapp.net", text: "hello" });
  await fake.until(() => fake.sent.length === 1);
  expect(fake.sent[0]!.text).toStartWith("OpenClaw: access not configured.\n\nYour WhatsApp phone number: +15552223333\nPairing code:");

  fake.drop();
  await fake.until(() => fake.opened() === 4 && fake.connections() === 1, 15_000);
}, RESTART_TIMEOUT_MS);

test("self-chat: answered and marked read, its echo ignored; append: a recent note answered, a 30-min-old one not", async () => {
  const self = "15550001111@s.whatsapp.net";
  const answered = (id: string) => fake.sent.some((s) => s.quoted === id);
  fake.upsert({ id: "N2", from: self, fromMe: true, text: "my name is Node" });
  await fake.until(() => answered("N2"));
  const echo = fake.sent.find((s) => s.quoted === "N2")!;
  fake.upsert({ id: echo.id, from: self, fromMe: true, text: echo.text });
  fake.upsert([{ id: "N3", from: self, fromMe: true, text: "old note", sentAt: Date.now() - 30 * 60_000 }, { id: "N4", from: self, fromMe: true, text: "recent note", sentAt: Date.now() - 10_000 }], "append");
  fake.upsert({ id: "N5", from: self, fromMe: true, text: "what is my name?" });
  await fake.until(() => answered("N4") && answered("N5"));
  expect(fake.sent.find((s) => s.quoted === "N5")!.text).toStartWith("Your name is Node.");
  expect(answered(echo.id) || answered("N3")).toBe(false);
  // No self-chat safeguards here (selfChatMode unset, the number not in allowFrom): upstream marks the note read too.
  expect(fake.reads.map((r) => r.id)).toEqual(["N2", "N4", "N5"]);
});
