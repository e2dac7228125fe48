/**
 * WhatsApp end to end (issue 17 "must show"), against the harness that replaces Baileys' makeWASocket
 * (test/harness/whatsapp-fake.ts; the real service cannot be faked at the wire): a real gateway process loads
 * Baileys from its state dir's extension folder and links through `web.login.start` / `web.login.wait` (the QR PNG
 * decodes back to the ref WhatsApp showed); an unknown DM sender gets upstream's pairing reply, approval lets the
 * agent answer; group messages are mention-gated; after the connection drops the account reconnects; kill -9 with a
 * reply in flight -> delivered once, nothing repeated; `channels status --probe` in upstream's line; logged out
 * (401) and replaced (440) stop with a clear status while the gateway keeps serving; `channels logout` clears the
 * session and `clawgate channels login` links it again with the QR printed in the terminal; `channels remove` stops the
 * live listener through the gateway before it disables or deletes the account, and keeps the session files.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PNG } from "pngjs";
import { kill9, killWithReplyInFlight } from "../../../harness/channel-gateway.ts";
import { channelsStatusLines, childEnv, CLI, freshHome, runCliIsolated, spawnGateway, type ChildGateway } from "../../../harness/process.ts";
import { connected, connectParams, type RawSocket } from "../../../harness/raw-socket.ts";
import { qrModules, renderModules } from "../../../../runtime-bun/host/channels/whatsapp/terminal-qr.ts";
import { decodeQrDataUrl as decodeQr, prepareWhatsAppExtension, startWhatsApp, WA, WHATSAPP_CACHE_STATE_DIR, type WhatsAppFake } from "../../../harness/whatsapp-fake.ts";

const TOKEN = "whatsapp-e2e-gateway-token-0123456789";
const { self: SELF, selfJid: SELF_JID, ada: ADA, bob: BOB } = WA;
const GROUP = "120363000000000001@g.us";
const stateDir = mkdtempSync(join(tmpdir(), "clawgate-whatsapp-"));
let fake: WhatsAppFake;
let gw: ChildGateway;
let admin: RawSocket;
let seq = 0;

// Config reload is off, so only `channels remove`'s own `channels.stop` can stop the listener when the account is removed.
function writeConfig(): void {
  const config = { gateway: { mode: "local", bind: "loopback", auth: { mode: "token", token: TOKEN }, reload: { mode: "off" } }, channels: { whatsapp: { groupAllowFrom: ["+1 555 444 5555"] } } };
  writeFileSync(join(stateDir, "openclaw.json"), JSON.stringify(config), { mode: 0o600 });
}

async function startGateway(): Promise<void> {
  gw = await spawnGateway(stateDir, ["--port", "0"], { OPENCLAW_STATE_DIR: stateDir });
  admin = (await connected(gw.url, connectParams({ auth: { token: TOKEN } }))).sock;
}

async function status(probe = false): Promise<any> {
  return (await admin.request("channels.status", { probe, channel: "whatsapp" })).payload;
}

const statusLines = () => channelsStatusLines(gw.port, TOKEN);

/** Waits until the gateway has recorded its last send as sent (see the Discord test: a kill in between would resend it). */
async function settled(): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!((await status()).channelAccounts.whatsapp[0].lastOutboundAt >= fake.lastSentAt)) {
    if (Date.now() > deadline) throw new Error("the gateway never recorded a send");
    await Bun.sleep(10);
  }
}

const sentTo = (jid: string) => fake.sent.filter((s) => s.jid === jid).map((s) => s.text);
const dm = (from: string, text: string) => fake.upsert({ id: `WAMSG${++seq}`, from, text });

beforeAll(async () => {
  fake = startWhatsApp();
  prepareWhatsAppExtension(stateDir, fake.url);
  writeConfig();
  await startGateway();
});
afterAll(() => {
  admin?.close();
  gw?.proc.kill("SIGKILL");
  fake?.stop();
  rmSync(stateDir, { recursive: true, force: true });
});

const cli = (...args: string[]) => runCliIsolated([...args, "--url", gw.url, "--token", TOKEN]);

test("an enabled account with no session runs unlinked and status says how to link it", async () => {
  const s = await status();
  expect(s.channelAccounts.whatsapp[0]).toMatchObject({ accountId: "default", enabled: true, configured: true, running: true, connected: false, linked: false });
  expect(s.statusIssues).toContainEqual({ channel: "whatsapp", accountId: "default", kind: "auth", message: "Not linked (no WhatsApp Web session).", fix: "Run: clawgate channels login --channel whatsapp (scan QR on the gateway host)." });
  expect(fake.opened()).toBe(0);
  const list = await runCliIsolated(["channels", "list"], { OPENCLAW_STATE_DIR: stateDir });
  expect(list.stdout).toBe("Chat channels:\n- WhatsApp default: installed, configured, enabled, not linked\n");
});

test("web.login.start answers with the QR as a PNG that decodes to WhatsApp's ref; the scan links it and the account connects", async () => {
  const start = await admin.request("web.login.start", { channel: "whatsapp", timeoutMs: 10_000 });
  expect(start.ok).toBe(true);
  expect(start.payload.message).toBe("Scan this QR in WhatsApp → Linked Devices.");
  expect(start.payload.qrDataUrl).toStartWith("data:image/png;base64,");
  expect(decodeQr(start.payload.qrDataUrl)).toBe(fake.qrs[0]!);

  const waiting = await admin.request("web.login.wait", { channel: "whatsapp", timeoutMs: 1_000, currentQrDataUrl: start.payload.qrDataUrl });
  expect(waiting.payload).toEqual({ connected: false, message: "Still waiting for the QR scan. Let me know when you’ve scanned it." });

  const wait = admin.request("web.login.wait", { channel: "whatsapp", timeoutMs: 10_000 });
  fake.scan(SELF);
  expect((await wait).payload).toEqual({ connected: true, message: "✅ Linked! WhatsApp is ready." });
  await fake.until(() => fake.connections() === 1 && fake.opened() === 3);
  const authDir = join(stateDir, "credentials", "whatsapp", "default");
  expect(statSync(authDir).mode & 0o777).toBe(0o700);
  const files = readdirSync(authDir);
  expect(files).toContain("creds.json");
  for (const f of files) expect(statSync(join(authDir, f)).mode & 0o777).toBe(0o600);
  const account = (await status()).channelAccounts.whatsapp[0];
  expect(account).toMatchObject({ running: true, connected: true, linked: true, healthState: "healthy", self: { e164: SELF, jid: SELF_JID } });
  expect((await runCliIsolated(["channels", "list"], { OPENCLAW_STATE_DIR: stateDir })).stdout).toBe("Chat channels:\n- WhatsApp default: installed, configured, enabled, linked\n");
});

test("unknown DM sender -> upstream's pairing reply, no agent turn; approve --notify -> approval text; next DM -> agent reply with typing", async () => {
  dm(ADA, "hello bot");
  await fake.until(() => sentTo(ADA).length === 1);
  const reply = sentTo(ADA)[0]!;
  const code = /Pairing code:\n```\n([A-Z2-9]{8})\n```/.exec(reply)?.[1];
  expect(reply).toBe(["OpenClaw: access not configured.", "", "Your WhatsApp phone number: +15552223333", "Pairing code:", "```", code, "```", "", "Ask the bot owner to approve with:", "```", `clawgate pairing approve whatsapp ${code}`, "```"].join("\n"));
  expect((await admin.request("sessions.list", {})).payload.sessions).toEqual([]);

  expect(await cli("pairing", "approve", "whatsapp", code!, "--notify")).toEqual({ code: 0, stdout: "Approved whatsapp sender +15552223333.\n", stderr: "" });
  expect(sentTo(ADA).at(-1)).toBe("✅ OpenClaw access approved. Send a message to start chatting.");

  dm(ADA, "my name is Ada");
  await fake.until(() => sentTo(ADA).length === 3);
  expect(sentTo(ADA)[2]).toStartWith("Nice to meet you, Ada.");
  expect(fake.presence).toContainEqual({ type: "composing", jid: ADA });
});

test("group: no mention -> not for the agent; an @mention of the linked number -> answered in the group's session", async () => {
  fake.upsert({ id: `WAMSG${++seq}`, from: GROUP, participant: BOB, text: "chatter, no mention" });
  fake.upsert({ id: `WAMSG${++seq}`, from: GROUP, participant: BOB, text: "@15550001111 my name is Bob", mentions: [SELF_JID] });
  await fake.until(() => sentTo(GROUP).length === 1);
  expect(sentTo(GROUP)[0]).toStartWith("Nice to meet you, Bob.");
  const history = (await admin.request("chat.history", { sessionKey: `agent:main:whatsapp:group:${GROUP}` })).payload.messages;
  expect(history.filter((m: any) => m.role === "user").map((m: any) => m.content[0].text)).toEqual(["@15550001111 my name is Bob"]);
});

test("the connection drops -> the account reconnects and answers what arrives next; a redelivered message is not answered twice", async () => {
  const opened = fake.opened();
  fake.drop();
  await fake.until(() => fake.opened() === opened + 1 && fake.connections() === 1, 15_000);
  const id = `WAMSG${++seq}`;
  fake.upsert({ id, from: ADA, text: "what is my name?" });
  await fake.until(() => sentTo(ADA).length === 4);
  expect(sentTo(ADA)[3]).toContain("Ada");
  fake.upsert({ id, from: ADA, text: "what is my name?" });
  dm(ADA, "my name is Lovelace");
  await fake.until(() => sentTo(ADA).length === 5);
  expect(sentTo(ADA)[4]).toStartWith("Nice to meet you, Lovelace.");
  expect((await status()).channelAccounts.whatsapp[0]).toMatchObject({ connected: true, reconnectAttempts: 1, lastDisconnect: { status: 408 } });
});

test("515 restartRequired -> reconnects at once", async () => {
  const opened = fake.opened();
  fake.close(515, "Stream Errored (restart required)");
  await fake.until(() => fake.opened() === opened + 1 && fake.connections() === 1);
  expect((await status()).channelAccounts.whatsapp[0]).toMatchObject({ connected: true, linked: true });
});

test("kill -9 with a reply in flight -> after restart it is delivered once and nothing earlier is repeated", async () => {
  await settled();
  const before = [...fake.sent];
  await killWithReplyInFlight(fake, () => dm(ADA, "my name is Grace"), () => kill9(gw, admin));

  await startGateway();
  await fake.until(() => fake.sent.length === before.length + 1, 15_000);
  dm(ADA, "what is my name?");
  await fake.until(() => fake.sent.length === before.length + 2);
  expect(fake.sent.slice(0, before.length)).toEqual(before);
  const after = fake.sent.slice(before.length).map((s) => s.text);
  expect(after[0]).toStartWith("Nice to meet you, Grace.");
  expect(after[1]).toContain("Grace");
});

test("clawgate channels status --probe prints the account in upstream's line", async () => {
  const out = await statusLines();
  expect(out.code).toBe(0);
  expect(out.stdout).toMatch(/^- WhatsApp default: enabled, configured, linked, running, connected, in:just now, out:just now, transport:just now, dm:pairing, health:healthy, works$/m);
});

test("440 connectionReplaced -> stopped with a session-conflict status; the gateway keeps serving", async () => {
  fake.close(440, "Stream Errored (conflict)");
  await fake.until(() => fake.connections() === 0);
  const s = await status(true);
  expect(s.channelAccounts.whatsapp[0]).toMatchObject({ running: true, connected: false, linked: true, healthState: "conflict", probe: { ok: false } });
  expect(s.statusIssues[0]).toMatchObject({ channel: "whatsapp", kind: "runtime", message: expect.stringContaining("Linked but session conflict (reconnectAttempts=") });
  const opened = fake.opened();
  expect((await admin.request("channels.start", { channel: "whatsapp" })).payload.outcome.reason).toBe("already-running");
  await admin.request("channels.stop", { channel: "whatsapp" });
  await admin.request("channels.start", { channel: "whatsapp" });
  await fake.until(() => fake.opened() === opened + 1 && fake.connections() === 1);
});

test("401 loggedOut -> status logged out with the login command, and the gateway keeps serving", async () => {
  fake.close(401, "Connection Failure");
  await fake.until(() => fake.connections() === 0);
  const s = await status(true);
  expect(s.channelAccounts.whatsapp[0]).toMatchObject({ connected: false, linked: false, healthState: "logged-out", lastError: "WhatsApp logged this session out (401 loggedOut); run clawgate channels login --channel whatsapp", probe: { ok: false, error: "not linked" } });
  expect(s.statusIssues[0]).toEqual({ channel: "whatsapp", accountId: "default", kind: "auth", message: "Session logged out: WhatsApp logged this session out (401 loggedOut); run clawgate channels login --channel whatsapp", fix: "Run: clawgate channels login --channel whatsapp (scan QR on the gateway host)." });
  const line = (await statusLines()).stdout;
  expect(line).toContain("- WhatsApp default: enabled, configured, not linked, error:WhatsApp logged this session out (401 loggedOut); run clawgate channels login --channel whatsapp, running, disconnected,");
  expect((await admin.request("health", {})).ok).toBe(true);
  expect(await fetch(`http://127.0.0.1:${gw.port}/health`).then((r) => r.status)).toBe(200);
});

test("channels.logout stops the account and removes its credentials", async () => {
  const out = await admin.request("channels.logout", { channel: "whatsapp" });
  expect(out.payload).toEqual({ channel: "whatsapp", accountId: "default", cleared: true, loggedOut: true });
  expect(readdirSync(join(stateDir, "credentials", "whatsapp"))).toEqual([]);
  expect((await status()).channelAccounts.whatsapp[0]).toMatchObject({ running: false });
});

test("clawgate channels login --channel whatsapp prints the gateway's QR in the terminal and returns once the phone linked it", async () => {
  const qrs = fake.qrs.length;
  const home = freshHome();
  try {
    const proc = Bun.spawn([process.execPath, CLI, "channels", "login", "--channel", "whatsapp", "--url", gw.url, "--token", TOKEN], { env: childEnv(home, { OPENCLAW_STATE_DIR: stateDir }), stdin: "ignore", stdout: "pipe", stderr: "pipe" });
    // The phone scans what the terminal shows: wait for the printed QR before scanning.
    let stdout = "";
    const decoder = new TextDecoder();
    const reader = proc.stdout.getReader();
    for (let scanned = false; ;) {
      const { done, value } = await reader.read();
      if (done) break;
      stdout += decoder.decode(value, { stream: true });
      if (!scanned && stdout.includes("Scan this QR")) {
        scanned = true;
        fake.scan(SELF);
      }
    }
    const [stderr, code] = await Promise.all([new Response(proc.stderr).text(), proc.exited]);
    expect({ code, stderr }).toEqual({ code: 0, stderr: "" });
    // The terminal shows exactly the QR WhatsApp offered: the modules the QR encoder draws for that ref.
    const qrcode = (await import(join(WHATSAPP_CACHE_STATE_DIR, "extensions", "whatsapp", "node_modules", "qrcode", "lib", "index.js"))).default;
    const png = PNG.sync.read(Buffer.from((await qrcode.toDataURL(fake.qrs[qrs]!, { margin: 4, scale: 4 })).split(",")[1], "base64"));
    expect(stdout).toBe(`${renderModules(qrModules(png))}\nScan this QR in WhatsApp → Linked Devices.\n✅ Linked! WhatsApp is ready.\n`);
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
  await fake.until(() => fake.connections() === 1);
  expect((await status()).channelAccounts.whatsapp[0]).toMatchObject({ running: true, connected: true, linked: true });
}, 30_000);

test("clawgate channels remove --channel whatsapp -> the gateway stops the listener, the account is disabled, the session stays; --delete removes the config", async () => {
  const fileChannels = () => JSON.parse(readFileSync(join(stateDir, "openclaw.json"), "utf8")).channels;
  const env = { OPENCLAW_STATE_DIR: stateDir };
  expect(fake.connections()).toBe(1);
  expect(await runCliIsolated(["channels", "remove", "--channel", "whatsapp", "--url", gw.url, "--token", TOKEN], env)).toEqual({ code: 0, stdout: 'Disabled WhatsApp account "default".\n', stderr: "" });
  expect(fake.connections()).toBe(0);
  expect((await status()).channelAccounts.whatsapp[0]).toMatchObject({ running: false });
  expect(fileChannels().whatsapp).toEqual({ groupAllowFrom: ["+1 555 444 5555"], enabled: false });
  const authDir = join(stateDir, "credentials", "whatsapp", "default");
  expect(readdirSync(authDir)).toContain("creds.json");

  expect(await runCliIsolated(["channels", "remove", "whatsapp", "--delete", "--url", gw.url, "--token", TOKEN], env)).toEqual({ code: 0, stdout: 'Deleted WhatsApp account "default".\n', stderr: "" });
  expect(fileChannels()).toEqual({});
  expect(readdirSync(authDir)).toContain("creds.json");
  expect(await runCliIsolated(["channels", "remove", "--channel", "whatsapp"], env)).toEqual({ code: 1, stdout: "", stderr: 'error WhatsApp account "default" is not configured.\n' });
});
