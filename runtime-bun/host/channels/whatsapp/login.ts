/**
 * WhatsApp's QR login behind `web.login.start` / `web.login.wait`, with upstream's answers (the @openclaw/whatsapp
 * plugin's login-qr): one login connection per account; `start` answers with the first QR as a PNG data URL,
 * `wait` with the scan's outcome, a refreshed QR, or "still waiting". After the scan WhatsApp closes with 515
 * restartRequired and the login reconnects with the saved credentials; the open connection that follows is the
 * link. A login lives three minutes.
 */
import type { ChannelQrLogin, QrLoginStart, QrLoginWait } from "../../../../core/channels/contract.ts";
import { CLOSE } from "../../../../core/channels/whatsapp/disconnect.ts";
import { jidToSenderId } from "../../../../core/channels/whatsapp/jid.ts";
import { clearAuthDir, readSelf } from "./auth-store.ts";
import { closeStatus, type WASocketLike } from "./baileys-types.ts";
import { extensionDir, importFromExtension } from "./extension.ts";
import { openSocket } from "./socket.ts";

const LOGIN_TTL_MS = 180_000;
const START_TIMEOUT_MS = 30_000;
const WAIT_TIMEOUT_MS = 120_000;
const LOGGED_OUT_MESSAGE = "WhatsApp reported the session is logged out. Cleared cached web session; please scan a new QR.";
const STILL_WAITING = "Still waiting for the QR scan. Let me know when you’ve scanned it.";

interface Login {
  sock?: WASocketLike;
  startedAt: number;
  qr?: string;
  qrDataUrl?: string;
  connected: boolean;
  error?: string;
  errorStatus?: number;
  /** Resolves (and is replaced) whenever the login's state changes. */
  changed: Promise<void>;
  notify(): void;
}

function newLogin(): Login {
  const login = { startedAt: Date.now(), connected: false } as Login;
  const arm = () => {
    login.changed = new Promise<void>((resolve) => {
      login.notify = () => {
        arm();
        resolve();
      };
    });
  };
  arm();
  return login;
}

type QrCode = { toDataURL(text: string, options: { margin: number; scale: number }): Promise<string> };

/** The QR login of every WhatsApp account of one gateway; `authDir` maps an account to its credentials. */
export function whatsappQrLogin(stateDir: string, authDir: (accountId: string) => string): ChannelQrLogin {
  const active = new Map<string, Login>();

  const end = (accountId: string) => {
    const login = active.get(accountId);
    active.delete(accountId);
    try {
      login?.sock?.end(undefined);
    } catch {
      // Already closed.
    }
  };

  const render = async (login: Login, qr: string) => {
    const qrcode = await importFromExtension<QrCode>(extensionDir(stateDir), "qrcode");
    const url = await qrcode.toDataURL(qr, { margin: 4, scale: 4 });
    if (login.qr === qr) {
      login.qrDataUrl = url;
      login.notify();
    }
  };

  /** Opens the login connection; a 515 after the scan opens the next one with the saved credentials. */
  const attach = async (accountId: string, login: Login): Promise<void> => {
    const sock = await openSocket(stateDir, authDir(accountId));
    login.sock = sock;
    sock.ev.on("connection.update", (update) => {
      if (active.get(accountId) !== login || login.sock !== sock) return;
      if (update.qr) {
        login.qr = update.qr;
        render(login, update.qr).catch((error: unknown) => {
          login.error = `Failed to render the WhatsApp QR: ${error instanceof Error ? error.message : String(error)}`;
          login.notify();
        });
        return;
      }
      if (update.connection === "open") {
        login.connected = true;
        login.notify();
        return;
      }
      if (update.connection !== "close") return;
      const status = closeStatus(update);
      if (status === CLOSE.restartRequired) {
        login.qr = undefined;
        attach(accountId, login).catch((error: unknown) => {
          login.error = String(error);
          login.notify();
        });
        return;
      }
      if (status === CLOSE.loggedOut) clearAuthDir(authDir(accountId));
      login.error = update.lastDisconnect?.error?.message ?? `connection closed (status ${status ?? "unknown"})`;
      login.errorStatus = status;
      login.notify();
    });
  };

  const who = (accountId: string) => {
    const self = readSelf(authDir(accountId));
    return self ? jidToSenderId(self.jid) : "unknown";
  };

  return {
    async start({ accountId, force, timeoutMs, running }): Promise<QrLoginStart> {
      const linked = readSelf(authDir(accountId)) !== undefined;
      if (linked && !force && running) return { message: `WhatsApp is already linked (${who(accountId)}). Say “relink” if you want a fresh QR.` };
      if (linked && force) clearAuthDir(authDir(accountId));
      const existing = active.get(accountId);
      if (existing && Date.now() - existing.startedAt < LOGIN_TTL_MS && existing.qrDataUrl && !force) return { qrDataUrl: existing.qrDataUrl, message: "QR already active. Scan it in WhatsApp → Linked Devices." };
      end(accountId);
      const login = newLogin();
      active.set(accountId, login);
      try {
        await attach(accountId, login);
      } catch (error) {
        end(accountId);
        return { message: `Failed to start WhatsApp login: ${error instanceof Error ? error.message : String(error)}` };
      }
      const deadline = Date.now() + Math.max(timeoutMs ?? START_TIMEOUT_MS, 5_000);
      while (!login.qrDataUrl && !login.connected && !login.error) {
        const left = deadline - Date.now();
        if (left <= 0 || (await Promise.race([login.changed.then(() => true), sleep(left).then(() => false)])) === false) {
          end(accountId);
          return { message: "Failed to get QR: Error: Timed out waiting for WhatsApp QR" };
        }
      }
      if (login.connected) {
        end(accountId);
        return { message: `WhatsApp recovered the existing linked session (${who(accountId)}).`, connected: true };
      }
      if (login.error) {
        end(accountId);
        return { message: `WhatsApp login failed: ${login.error}` };
      }
      return { qrDataUrl: login.qrDataUrl!, message: "Scan this QR in WhatsApp → Linked Devices." };
    },

    async wait({ accountId, timeoutMs, currentQrDataUrl }): Promise<QrLoginWait> {
      const login = active.get(accountId);
      if (!login) return { connected: false, message: "No active WhatsApp login in progress." };
      if (Date.now() - login.startedAt >= LOGIN_TTL_MS) {
        end(accountId);
        return { connected: false, message: "The login QR expired. Ask me to generate a new one." };
      }
      const deadline = Date.now() + Math.max(timeoutMs ?? WAIT_TIMEOUT_MS, 1_000);
      for (;;) {
        if (login.error) {
          end(accountId);
          return { connected: false, message: login.errorStatus === CLOSE.loggedOut ? LOGGED_OUT_MESSAGE : `WhatsApp login failed: ${login.error}` };
        }
        if (login.connected) {
          end(accountId);
          return { connected: true, message: "✅ Linked! WhatsApp is ready." };
        }
        if (login.qrDataUrl && currentQrDataUrl && login.qrDataUrl !== currentQrDataUrl) {
          return { connected: false, message: "QR refreshed. Scan the latest code in WhatsApp → Linked Devices.", qrDataUrl: login.qrDataUrl };
        }
        const left = deadline - Date.now();
        if (left <= 0 || (await Promise.race([login.changed.then(() => true), sleep(left).then(() => false)])) === false) {
          return { connected: false, message: STILL_WAITING };
        }
      }
    },
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    // A pending wait never keeps a stopping process alive.
    (timer as { unref?: () => void }).unref?.();
  });
}
