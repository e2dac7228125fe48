/**
 * A bare Bun WebSocket peer for benches: opens a socket, waits for the
 * challenge, sends requests and resolves them by id. No retries and no
 * timers, so what is measured is the socket and the gateway; a request that
 * never gets its response is caught by the runner's per-scenario time limit.
 * JSON text frames by default; MessagePack binary frames when opened with
 * `codec: "msgpack"` (the `openclaw.msgpack` subprotocol, docs/frame-codecs.md).
 */
import { decode, encode } from "@msgpack/msgpack";
import { MSGPACK_SUBPROTOCOL } from "../../core/protocol/codec.ts";
import { BENCH_TOKEN } from "./gateway-process.ts";

/** The frame encoding a peer speaks. */
export type PeerCodec = "json" | "msgpack";

export interface Frame {
  type: string;
  id?: string;
  ok?: boolean;
  event?: string;
  payload?: any;
  error?: any;
  seq?: number;
}

/** Connect params as the reference GatewayClient sends them by default (spec §2.2). */
export function backendConnectParams(scopes: string[] = ["operator.admin"]): Record<string, unknown> {
  return {
    minProtocol: 4,
    maxProtocol: 4,
    client: { id: "gateway-client", version: "0.0.0", platform: "linux", mode: "backend" },
    caps: [],
    auth: { token: BENCH_TOKEN },
    role: "operator",
    scopes,
  };
}

export class Peer {
  /** The `connect.challenge` payload. */
  challenge?: { nonce: string; ts: number };
  closed = false;
  private readonly pending = new Map<string, (f: Frame) => void>();
  private nextId = 0;
  private challengeWaiter?: () => void;
  private closeWaiter?: () => void;

  private constructor(readonly ws: WebSocket, private readonly codec: PeerCodec, private readonly onEvent?: (f: Frame) => void) {
    ws.binaryType = "arraybuffer";
    ws.onmessage = (ev) => {
      const frame = (typeof ev.data === "string" ? JSON.parse(ev.data) : decode(new Uint8Array(ev.data as ArrayBuffer))) as Frame;
      if (frame.type === "res") {
        const resolve = this.pending.get(frame.id!);
        this.pending.delete(frame.id!);
        resolve?.(frame);
      } else if (frame.event === "connect.challenge") {
        this.challenge = frame.payload;
        this.challengeWaiter?.();
      } else {
        this.onEvent?.(frame);
      }
    };
    ws.onclose = () => {
      this.closed = true;
      for (const resolve of this.pending.values()) resolve({ type: "res", ok: false, error: { code: "CLOSED", message: "socket closed" } });
      this.pending.clear();
      this.challengeWaiter?.();
      this.closeWaiter?.();
    };
  }

  /** Opens a socket and resolves once the challenge arrived. */
  static open(url: string, opts: { headers?: Record<string, string>; codec?: PeerCodec; onEvent?: (f: Frame) => void } = {}): Promise<Peer> {
    const codec = opts.codec ?? "json";
    const protocols = codec === "msgpack" ? [MSGPACK_SUBPROTOCOL] : undefined;
    // Bun's WebSocket takes headers (and then protocols) in an options object.
    const ws = new WebSocket(url, opts.headers ? ({ headers: opts.headers, protocols } as unknown as string[]) : protocols);
    const peer = new Peer(ws, codec, opts.onEvent);
    return new Promise((resolve, reject) => {
      peer.challengeWaiter = () => (peer.challenge ? resolve(peer) : reject(new Error(`socket to ${url} closed before the challenge`)));
      ws.onerror = () => reject(new Error(`cannot open ${url}`));
    });
  }

  /** Sends one request; resolves with its response frame. */
  request(method: string, params?: unknown): Promise<Frame> {
    const id = String(++this.nextId);
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      this.send({ type: "req", id, method, ...(params === undefined ? {} : { params }) });
    });
  }

  /** Sends a request whose response nobody waits for (burst triggers). */
  fire(method: string, params?: unknown): void {
    this.send({ type: "req", id: `f${++this.nextId}`, method, ...(params === undefined ? {} : { params }) });
  }

  private send(frame: Frame & { method: string; params?: unknown }): void {
    this.ws.send(this.codec === "msgpack" ? encode(frame) : JSON.stringify(frame));
  }

  /** `connect`; throws with the gateway's error when it is refused. */
  async connect(params: Record<string, unknown>): Promise<any> {
    const res = await this.request("connect", params);
    if (!res.ok) throw new Error(`connect refused: ${JSON.stringify(res.error)}`);
    return res.payload;
  }

  /** Closes and resolves once the close handshake finished. */
  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      this.closeWaiter = resolve;
      this.ws.close(1000);
    });
  }
}

/** Opens a socket and completes the handshake. */
export async function connectedPeer(url: string, params: Record<string, unknown>, onEvent?: (f: Frame) => void): Promise<{ peer: Peer; hello: any }> {
  const peer = await Peer.open(url, { onEvent });
  const hello = await peer.connect(params);
  return { peer, hello };
}
