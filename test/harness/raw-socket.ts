/**
 * A raw WebSocket peer for protocol tests: sends exact bytes, records every
 * frame and the close, and waits for conditions instead of sleeping. It
 * speaks JSON text, or MessagePack after offering the `openclaw.msgpack`
 * subprotocol (its own encoder and decoder: the gateway's codec is what it tests).
 */
import { decode, encode } from "@msgpack/msgpack";
import { MSGPACK_SUBPROTOCOL } from "../../core/protocol/codec.ts";
import { TEST_TOKEN } from "./gateway.ts";
import { Signal } from "./signal.ts";

export interface Frame {
  type: string;
  id?: string;
  ok?: boolean;
  event?: string;
  payload?: any;
  error?: any;
  seq?: number;
  stateVersion?: { presence: number; health: number };
}

/** The frame encodings a test can speak. */
export type WireCodec = "json" | "msgpack";
export const WIRE_CODECS: readonly WireCodec[] = ["json", "msgpack"];

export class RawSocket {
  readonly frames: Frame[] = [];
  /** Binary frames received (every frame, on a MessagePack socket; none on a JSON one). */
  binaryFrames = 0;
  closed?: { code: number; reason: string };
  private readonly signal = new Signal();
  private constructor(readonly ws: WebSocket, readonly codec: WireCodec) {
    ws.binaryType = "arraybuffer";
    ws.onmessage = (ev) => {
      if (typeof ev.data === "string") this.frames.push(codec === "json" ? JSON.parse(ev.data) : { type: "text-on-msgpack" });
      else {
        this.binaryFrames++;
        this.frames.push(codec === "msgpack" ? decode(new Uint8Array(ev.data)) as Frame : { type: "binary-on-json" });
      }
      this.wake();
    };
    ws.onclose = (ev) => {
      this.closed = { code: ev.code, reason: ev.reason };
      this.wake();
    };
  }

  static async open(url: string, headers?: Record<string, string>, codec: WireCodec = "json"): Promise<RawSocket> {
    const protocols = codec === "msgpack" ? [MSGPACK_SUBPROTOCOL] : undefined;
    // Bun's WebSocket takes headers and protocols as an options object.
    const ws = new WebSocket(url, headers || protocols ? ({ headers, protocols } as unknown as string[]) : undefined);
    const sock = new RawSocket(ws, codec);
    await new Promise<void>((resolve, reject) => {
      ws.onopen = () => resolve();
      ws.onerror = () => reject(new Error(`cannot open ${url}`));
    });
    await sock.until(() => sock.frames.some((f) => f.event === "connect.challenge"));
    return sock;
  }

  private wake(): void {
    this.signal.wake();
  }

  /** Resolves when `cond` holds; rejects after `ms`. */
  until(cond: () => boolean, ms = 5000): Promise<void> {
    return this.signal.until(cond, ms);
  }

  get nonce(): string {
    return this.frames.find((f) => f.event === "connect.challenge")!.payload.nonce;
  }

  /** Text and bytes go out as they are (raw violations); anything else in this socket's codec. */
  send(value: unknown): void {
    if (typeof value === "string" || value instanceof Uint8Array) this.ws.send(value);
    else this.ws.send(this.codec === "msgpack" ? encode(value) : JSON.stringify(value));
  }

  /** Sends a request and waits for its response frame. */
  async request(method: string, params?: unknown, id: string = crypto.randomUUID()): Promise<Frame> {
    this.send({ type: "req", id, method, ...(params === undefined ? {} : { params }) });
    await this.until(() => this.frames.some((f) => f.type === "res" && f.id === id));
    return this.frames.find((f) => f.type === "res" && f.id === id)!;
  }

  async waitClose(ms = 5000): Promise<{ code: number; reason: string }> {
    await this.until(() => this.closed !== undefined, ms);
    return this.closed!;
  }

  events(name: string): Frame[] {
    return this.frames.filter((f) => f.type === "event" && f.event === name);
  }

  close(): void {
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) this.ws.close(1000);
  }
}

/** Connect params as the reference GatewayClient sends them by default (§2.2). */
export function connectParams(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    minProtocol: 4,
    maxProtocol: 4,
    client: { id: "gateway-client", version: "0.0.0", platform: "linux", mode: "backend" },
    caps: [],
    auth: { token: TEST_TOKEN },
    role: "operator",
    scopes: ["operator.admin"],
    ...overrides,
  };
}

/** Opens a socket and completes the handshake with `params`. */
export async function connected(url: string, params = connectParams(), codec: WireCodec = "json"): Promise<{ sock: RawSocket; hello: Frame }> {
  const sock = await RawSocket.open(url, undefined, codec);
  const hello = await sock.request("connect", params, "c1");
  return { sock, hello };
}
