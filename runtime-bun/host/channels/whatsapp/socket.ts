/**
 * One WhatsApp Web connection for an account: Baileys loaded from the extension folder, the account's private auth
 * state (./auth-store.ts), Baileys' logs silenced, and every credentials update saved before anything else runs.
 * The adapter and the QR login both open their connections here.
 */
import { openAuthState } from "./auth-store.ts";
import { silentLogger, type AuthCreds, type BaileysModule, type WASocketLike } from "./baileys-types.ts";
import { extensionDir, importFromExtension } from "./extension.ts";

let loaded: Promise<BaileysModule> | undefined;

/** Baileys from `<stateDir>/extensions/whatsapp/` (imported once per process). */
export function loadBaileys(stateDir: string): Promise<BaileysModule> {
  loaded ??= importFromExtension<BaileysModule>(extensionDir(stateDir), "baileys").catch((error: unknown) => {
    // A later call (after `channels add` installed it) tries again.
    loaded = undefined;
    throw error;
  });
  return loaded;
}

/** Opens a connection with the credentials in `authDir`. */
export async function openSocket(stateDir: string, authDir: string): Promise<WASocketLike> {
  const baileys = await loadBaileys(stateDir);
  const { state, saveCreds } = openAuthState(authDir, baileys);
  const sock = baileys.makeWASocket({
    auth: state,
    logger: silentLogger(),
    printQRInTerminal: false,
    browser: baileys.Browsers.ubuntu("Chrome"),
    markOnlineOnConnect: false,
    syncFullHistory: false,
  });
  sock.ev.on("creds.update", (update: Partial<AuthCreds>) => {
    Object.assign(state.creds, update);
    saveCreds();
  });
  return sock;
}
