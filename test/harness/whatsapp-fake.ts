/**
 * WhatsApp cannot be faked at the wire (Baileys 7 checks the Noise certificate chain against WhatsApp's root key),
 * so the tests replace Baileys at the lowest layer it lets you replace: `makeWASocket`. `prepareWhatsAppExtension`
 * lays out a state dir's `extensions/whatsapp/` as clawgate's installer does, with the REAL packages (installed once
 * by test/tools/install-whatsapp.ts) except `baileys`, which is a small package that re-exports the real Baileys
 * (auth helpers, BufferJSON, proto, DisconnectReason, ...) and whose `makeWASocket` returns a socket driven by this
 * harness over a real local WebSocket. The gateway's production loader and adapter run unchanged; the test plays
 * WhatsApp: QR, pairing (creds.update + 515), open, close with any status code, `messages.upsert` (`notify` or `append`,
 * with the sent time), and it records every `sendMessage` (with the message it quotes), `sendPresenceUpdate` and
 * `readMessages`; like Baileys it hands each sent message back as an `append` upsert (and takes the sender's
 * `messageId`). Every frame the harness sends is a `frame` event on `sock.ws`, as Baileys' WebSocket client emits.
 */
import type { ServerWebSocket } from "bun";
import jsQR from "jsqr";
import { existsSync, mkdirSync, readdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { PNG } from "pngjs";
import { extensionDir, installed, WHATSAPP_PACKAGES } from "../../runtime-bun/host/channels/whatsapp/extension.ts";

/** The people of the WhatsApp tests: the linked number (as `scan` links it) and two contacts. */
export const WA = { self: "+15550001111", selfJid: "15550001111@s.whatsapp.net", ada: "15552223333@s.whatsapp.net", bob: "15554445555@s.whatsapp.net" } as const;

/** The state dir whose extension folder holds the real packages (see test/tools/install-whatsapp.ts). */
export const WHATSAPP_CACHE_STATE_DIR = join(import.meta.dir, "..", "..", ".cache", "whatsapp");
const REAL = extensionDir(WHATSAPP_CACHE_STATE_DIR);

/** What a QR PNG data URL (`web.login.start`'s `qrDataUrl`) reads as, scanned. */
export function decodeQrDataUrl(dataUrl: string): string | undefined {
  const png = PNG.sync.read(Buffer.from(dataUrl.slice("data:image/png;base64,".length), "base64"));
  return jsQR(new Uint8ClampedArray(png.data), png.width, png.height)?.data;
}

/** The fake socket, as module text: it speaks JSON frames to the harness at `url`. */
function fakeBaileys(url: string): string {
  const real = join(REAL, "node_modules", "baileys", "lib", "index.js");
  const boom = join(REAL, "node_modules", "@hapi", "boom", "lib", "index.js");
  return `import { EventEmitter } from "node:events";
import BoomModule from ${JSON.stringify(boom)};
export * from ${JSON.stringify(real)};
const { Boom } = BoomModule;
let rid = 0;
export function makeWASocket(config) {
  const ev = new EventEmitter();
  const frames = new EventEmitter();
  const pending = new Map();
  const ws = new WebSocket(${JSON.stringify(url)});
  let closed = false;
  const closeWith = (status, message) => {
    if (closed) return;
    closed = true;
    for (const p of pending.values()) p.reject(new Boom("Connection Closed", { statusCode: 428 }));
    pending.clear();
    ev.emit("connection.update", { connection: "close", lastDisconnect: { error: new Boom(message, { statusCode: status }), date: new Date() } });
  };
  const sock = {
    ev,
    ws: frames,
    user: undefined,
    async sendMessage(jid, content, options) {
      const id = ++rid;
      const done = new Promise((resolve, reject) => pending.set(id, { resolve, reject }));
      ws.send(JSON.stringify({ t: "send", rid: id, jid, text: content.text, quoted: options?.quoted?.key?.id, messageId: options?.messageId }));
      return await done;
    },
    async readMessages(keys) {
      ws.send(JSON.stringify({ t: "read", keys }));
    },
    async sendPresenceUpdate(type, jid) {
      ws.send(JSON.stringify({ t: "presence", type, jid }));
    },
    end(error) {
      ws.close();
      closeWith(428, error?.message ?? "Connection Closed");
    },
  };
  ws.onopen = () => ws.send(JSON.stringify({ t: "hello", me: config.auth.creds.me ?? null }));
  ws.onmessage = (event) => {
    const m = JSON.parse(String(event.data));
    frames.emit("frame", m);
    if (m.t === "update") {
      if (m.update.connection === "open") sock.user = config.auth.creds.me;
      ev.emit("connection.update", m.update);
    } else if (m.t === "creds") ev.emit("creds.update", m.update);
    else if (m.t === "upsert") ev.emit("messages.upsert", { messages: m.messages, type: m.type });
    else if (m.t === "ack") {
      pending.get(m.rid)?.resolve({ key: { id: m.id, remoteJid: m.jid, fromMe: true } });
      pending.delete(m.rid);
    } else if (m.t === "close") {
      ws.close();
      closeWith(m.status, m.message);
    }
  };
  ws.onclose = () => closeWith(408, "Connection was lost");
  return sock;
}
export default makeWASocket;
`;
}

/** Lays out `<stateDir>/extensions/whatsapp/` with the real packages and the fake `baileys` talking to `url`. */
export function prepareWhatsAppExtension(stateDir: string, url: string): void {
  if (!installed(REAL)) throw new Error(`the real Baileys is not in ${REAL}; run: bun test/tools/install-whatsapp.ts`);
  const dir = extensionDir(stateDir);
  const modules = join(dir, "node_modules");
  mkdirSync(modules, { recursive: true, mode: 0o700 });
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "clawgate-whatsapp-extension", private: true, type: "module", dependencies: WHATSAPP_PACKAGES }));
  for (const entry of readdirSync(join(REAL, "node_modules"))) {
    if (entry === "baileys" || entry.startsWith(".") || existsSync(join(modules, entry))) continue;
    symlinkSync(join(REAL, "node_modules", entry), join(modules, entry));
  }
  const fake = join(modules, "baileys");
  mkdirSync(fake, { recursive: true });
  writeFileSync(join(fake, "package.json"), JSON.stringify({ name: "baileys", version: WHATSAPP_PACKAGES.baileys, type: "module", main: "index.js" }));
  writeFileSync(join(fake, "index.js"), fakeBaileys(url));
}

type Me = { id: string; lid?: string; name?: string } | null;
interface Conn {
  ws: ServerWebSocket<unknown>;
  me: Me;
}

/** What the harness saw the gateway send. */
export interface WhatsAppSend {
  jid: string;
  text: string;
  id: string;
  /** The id of the message this one quotes (Baileys' `quoted` option). */
  quoted?: string;
}

/** A message as the tests make WhatsApp deliver it. */
export interface WhatsAppIncoming {
  id: string;
  from: string;
  text: string;
  participant?: string;
  mentions?: string[];
  pushName?: string;
  fromMe?: boolean;
  /** When it was sent (ms); now by default. */
  sentAt?: number;
}

/** The harness: WhatsApp as the tests play it. */
export interface WhatsAppFake {
  url: string;
  /** Every delivered message, in order, and when the last one was answered (ms). */
  sent: WhatsAppSend[];
  lastSentAt: number;
  presence: { type: string; jid: string }[];
  /** Every key `readMessages` marked read, in order. */
  reads: { remoteJid: string; id: string; participant?: string; fromMe?: boolean }[];
  /** Connections made so far (each `makeWASocket`), and how many are open now. */
  opened(): number;
  connections(): number;
  /** The QR refs shown so far. */
  qrs: string[];
  /** Shows a new QR on every connection showing one, as WhatsApp does when a ref expires unscanned. */
  refreshQr(): void;
  /** Links the session behind the connection showing a QR, as a phone scanning it does: creds, then 515. */
  scan(phone: string): void;
  /** Messages arriving from WhatsApp in one `messages.upsert` (`append`: delivered after being offline, or history). */
  upsert(message: WhatsAppIncoming | WhatsAppIncoming[], type?: "notify" | "append"): void;
  /** A frame with nothing for the app (WhatsApp's keep-alive traffic): only transport activity. */
  ping(): void;
  /** Closes every open connection with `status`, as WhatsApp's server does. */
  close(status: number, message?: string): void;
  /** Drops every connection without a word (the network went away). */
  drop(): void;
  /** While on, sends are received but never answered (a reply in flight). */
  hold(on: boolean): void;
  held(): number;
  until(condition: () => boolean | Promise<boolean>, timeoutMs?: number): Promise<void>;
  stop(): void;
}

/** Starts the harness; linked connections open at once, unlinked ones are shown a QR. */
export function startWhatsApp(): WhatsAppFake {
  const conns = new Set<Conn>();
  let opened = 0;
  let holding = false;
  const heldSends = new Set<ServerWebSocket<unknown>>();
  let heldCount = 0;
  let nextId = 0;
  let qrSeq = 0;
  const fake: WhatsAppFake = {
    url: "",
    sent: [],
    lastSentAt: 0,
    presence: [],
    reads: [],
    qrs: [],
    opened: () => opened,
    connections: () => conns.size,
    refreshQr() {
      for (const c of conns) if (!c.me) showQr(c.ws);
    },
    scan(phone) {
      const conn = [...conns].find((c) => !c.me);
      if (!conn) throw new Error("no connection is showing a QR");
      conn.ws.send(JSON.stringify({ t: "creds", update: { me: { id: `${phone.replace(/\D/g, "")}:7@s.whatsapp.net`, name: "clawgate test" } } }));
      conn.ws.send(JSON.stringify({ t: "close", status: 515, message: "Stream Errored (restart required)" }));
    },
    upsert(incoming, type = "notify") {
      const messages = (Array.isArray(incoming) ? incoming : [incoming]).map((m) => {
        const group = m.from.endsWith("@g.us");
        const contextInfo = m.mentions ? { mentionedJid: m.mentions } : undefined;
        const message = contextInfo ? { extendedTextMessage: { text: m.text, contextInfo } } : { conversation: m.text };
        return { key: { remoteJid: m.from, fromMe: m.fromMe ?? false, id: m.id, ...(group ? { participant: m.participant } : {}) }, message, messageTimestamp: Math.floor((m.sentAt ?? Date.now()) / 1000), pushName: m.pushName ?? "Tester" };
      });
      for (const c of conns) if (c.me) c.ws.send(JSON.stringify({ t: "upsert", type, messages }));
    },
    ping() {
      for (const c of conns) c.ws.send(JSON.stringify({ t: "ping" }));
    },
    close(status, message = "Connection closed") {
      for (const c of conns) c.ws.send(JSON.stringify({ t: "close", status, message }));
    },
    drop() {
      for (const c of conns) c.ws.terminate();
    },
    hold(on) {
      holding = on;
    },
    held: () => heldCount,
    async until(condition, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (!(await condition())) {
        if (Date.now() > deadline) throw new Error(`WhatsApp fake: condition not met within ${timeoutMs} ms`);
        await Bun.sleep(10);
      }
    },
    stop() {
      server.stop(true);
    },
  };
  const showQr = (ws: ServerWebSocket<unknown>) => {
    const qr = `2@clawgate-test-ref-${++qrSeq},ZmFrZS1ub2lzZS1rZXk=,ZmFrZS1pZGVudGl0eQ==,ZmFrZS1hZHY=`;
    fake.qrs.push(qr);
    ws.send(JSON.stringify({ t: "update", update: { qr } }));
  };
  const server = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    fetch(req, srv) {
      return srv.upgrade(req, { data: undefined }) ? undefined : new Response("WhatsApp fake", { status: 426 });
    },
    websocket: {
      open() {
        opened++;
      },
      message(ws, data) {
        const m = JSON.parse(String(data)) as { t: string; me?: Me; rid?: number; jid?: string; text?: string; type?: string; quoted?: string; messageId?: string; keys?: WhatsAppFake["reads"] };
        if (m.t === "hello") {
          conns.add({ ws, me: m.me ?? null });
          if (m.me) ws.send(JSON.stringify({ t: "update", update: { connection: "open" } }));
          else showQr(ws);
        } else if (m.t === "send") {
          if (holding) {
            heldSends.add(ws);
            heldCount++;
            return;
          }
          // As Baileys: the caller's messageId when it chose one.
          const id = m.messageId ?? `3EB0${(++nextId).toString(16).padStart(8, "0").toUpperCase()}`;
          fake.sent.push({ jid: m.jid!, text: m.text!, id, ...(m.quoted ? { quoted: m.quoted } : {}) });
          fake.lastSentAt = Date.now();
          // Baileys hands every sent message back as an `append` upsert (emitOwnEvents); here before the send even
          // returns, the hardest order for the account to recognise its own message.
          const own = { key: { remoteJid: m.jid, fromMe: true, id }, message: { conversation: m.text }, messageTimestamp: Math.floor(Date.now() / 1000) };
          ws.send(JSON.stringify({ t: "upsert", type: "append", messages: [own] }));
          ws.send(JSON.stringify({ t: "ack", rid: m.rid, id, jid: m.jid }));
        } else if (m.t === "presence") fake.presence.push({ type: m.type!, jid: m.jid! });
        else if (m.t === "read") fake.reads.push(...m.keys!);
      },
      close(ws) {
        for (const c of conns) if (c.ws === ws) conns.delete(c);
        if (heldSends.delete(ws)) heldCount = 0;
      },
    },
  });
  fake.url = `ws://127.0.0.1:${server.port}/`;
  return fake;
}
