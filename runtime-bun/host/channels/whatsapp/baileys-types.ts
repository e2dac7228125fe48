/**
 * The part of Baileys' API clawgate uses, typed here because Baileys is an optional install (./extension.ts), not
 * a dependency the compiler sees.
 */

/** Baileys' BufferJSON: JSON replacer/reviver that keep Buffers. */
export interface BufferJSONLike {
  replacer(key: string, value: unknown): unknown;
  reviver(key: string, value: unknown): unknown;
}

/** Auth credentials (AuthenticationCreds); `me` is set once the session is linked. */
export interface AuthCreds {
  me?: { id: string; lid?: string; name?: string };
  [key: string]: unknown;
}

export interface SignalKeyStore {
  get(type: string, ids: string[]): Promise<Record<string, unknown>>;
  set(data: Record<string, Record<string, unknown>>): Promise<void>;
}

export interface AuthState {
  creds: AuthCreds;
  keys: SignalKeyStore;
}

/** A Boom error as Baileys closes connections with it. */
export interface BoomLike extends Error {
  output?: { statusCode?: number };
}

export interface ConnectionUpdate {
  connection?: "open" | "connecting" | "close";
  lastDisconnect?: { error?: BoomLike | Error; date?: Date };
  qr?: string;
}

/** A message key as Baileys addresses messages (receipts, quotes). */
export interface WAMessageKeyLike {
  remoteJid: string;
  id: string;
  fromMe?: boolean | null;
  participant?: string | null;
}

/** A received message as Baileys hands it over (what `quoted` takes). */
export interface WAMessageLike {
  key: WAMessageKeyLike;
  message?: Record<string, unknown> | null;
  [field: string]: unknown;
}

export interface WASocketLike {
  ev: {
    on(event: "connection.update", listener: (update: ConnectionUpdate) => void): void;
    on(event: "creds.update", listener: (update: Partial<AuthCreds>) => void): void;
    on(event: "messages.upsert", listener: (upsert: { messages: unknown[]; type: string }) => void): void;
    removeAllListeners(event: string): void;
  };
  /** Baileys' WebSocket client: it emits `frame` for every frame WhatsApp sends (the watchdog's transport signal). */
  ws?: { on(event: "frame", listener: () => void): void; off(event: "frame", listener: () => void): void };
  user?: { id: string; lid?: string; name?: string };
  sendMessage(jid: string, content: { text: string }, options?: { quoted?: WAMessageLike; messageId?: string }): Promise<{ key: { id?: string | null; remoteJid?: string | null } } | undefined>;
  readMessages(keys: WAMessageKeyLike[]): Promise<void>;
  sendPresenceUpdate(type: "composing" | "paused" | "available" | "unavailable", jid?: string): Promise<void>;
  end(error: Error | undefined): void;
}

/** The module's exports clawgate calls. */
export interface BaileysModule {
  makeWASocket(config: {
    auth: AuthState;
    logger: SilentLogger;
    printQRInTerminal?: boolean;
    browser?: [string, string, string];
    markOnlineOnConnect?: boolean;
    syncFullHistory?: boolean;
  }): WASocketLike;
  initAuthCreds(): AuthCreds;
  /** A new message id as WhatsApp Web makes them (`3EB0…`), for `sendMessage`'s `messageId`. */
  generateMessageIDV2(userId?: string): string;
  BufferJSON: BufferJSONLike;
  proto: { Message: { AppStateSyncKeyData: { fromObject(value: unknown): unknown } } };
  Browsers: { ubuntu(browser: string): [string, string, string] };
}

/** A pino-shaped logger that drops everything: Baileys' own logs would otherwise go to stdout. */
export interface SilentLogger {
  level: string;
  child(bindings: unknown): SilentLogger;
  trace(...args: unknown[]): void;
  debug(...args: unknown[]): void;
  info(...args: unknown[]): void;
  warn(...args: unknown[]): void;
  error(...args: unknown[]): void;
  fatal(...args: unknown[]): void;
}

export function silentLogger(): SilentLogger {
  const drop = () => {};
  const logger: SilentLogger = { level: "silent", child: () => logger, trace: drop, debug: drop, info: drop, warn: drop, error: drop, fatal: drop };
  return logger;
}

/** The status code a close carries (Boom's output.statusCode). */
export function closeStatus(update: ConnectionUpdate): number | undefined {
  const code = (update.lastDisconnect?.error as BoomLike | undefined)?.output?.statusCode;
  return typeof code === "number" ? code : undefined;
}
