/**
 * One client connection's life: challenge, handshake with its frame queue and
 * timeout, then request dispatch (spec §1.4, §1.7, §2). Nothing a client sends
 * can throw past this boundary. Runtime-agnostic.
 */
import type { Admission } from "./handshake/connect.ts";
import { GatewayError, Close, unavailable, type ErrorShape } from "./protocol/errors.ts";
import { frameExceeds, jsonCodec, type FrameCodec, type WireFrame } from "./protocol/codec.ts";
import { MAX_PENDING_HANDSHAKE_FRAMES, MAX_PREAUTH_PAYLOAD_BYTES } from "./protocol/limits.ts";
import type { NodeLink } from "./nodes/sessions.ts";
import { ErrorWithPayload, TwoPhaseReply } from "./rpc/reply.ts";
import { RoleError, type Caller, type PreparedCall } from "./rpc/router.ts";
import type { Connection } from "./runtime.ts";

/** What a client needs from the gateway it belongs to. */
export interface ClientHost {
  now(): number;
  handshakeTimeoutMs: number;
  authenticate(client: Client, rawParams: unknown): Promise<Admission>;
  /** Registers the admitted client; returns who it is, its view class and the hello-ok payload to send. */
  welcome(client: Client, admission: Admission): Welcome;
  /** Authorizes and validates a request; a promise while the method's group loads on its first call. */
  prepare(name: string, params: unknown, caller: Caller): PreparedCall | Promise<PreparedCall>;
  closed(client: Client): void;
  /** The client is being closed before hello-ok (refused, timed out): called before the transport close. */
  refusing(client: Client): void;
  logError(message: string, fields: Record<string, unknown>): void;
}

/** What an admitted client keeps from the gateway's welcome. */
export interface Welcome {
  caller: Caller;
  /** Its broadcast view class (§7). */
  view: number;
  hello: unknown;
}

/** Operator requests in flight per socket before "busy" (§1.4). */
const MAX_IN_FLIGHT = 256;
/** Consecutive "unauthorized role" answers before the socket is closed (§4.7). */
const MAX_ROLE_ERRORS = 10;
/** WebSocket close reasons are limited to 123 bytes. */
function closeReason(text: string): string {
  return text.length <= 120 ? text : text.slice(0, 117) + "...";
}

type State = "awaiting-connect" | "authenticating" | "ready" | "closed";

export class Client {
  readonly connId = crypto.randomUUID();
  readonly nonce = crypto.randomUUID();
  state: State = "awaiting-connect";
  caller?: Caller;
  admission?: Admission;
  view = 0;
  /** How this socket's frames are read and written (negotiated at upgrade). */
  readonly codec: FrameCodec;
  private queue: WireFrame[] = [];
  private timer?: ReturnType<typeof setTimeout>;
  private inFlight = 0;
  private roleErrors = 0;

  constructor(readonly conn: Connection, private readonly host: ClientHost) {
    this.codec = conn.codec ?? jsonCodec;
  }

  /** Sends the challenge and arms the handshake timeout (§2.1, §1.4). */
  start(): void {
    this.conn.send(this.codec.encodeEvent("connect.challenge", { nonce: this.nonce, ts: this.host.now() }));
    this.timer = setTimeout(() => this.close(Close.normal, ""), this.host.handshakeTimeoutMs);
  }

  /** Closes the socket once; later frames are ignored. */
  close(code: number, reason: string): void {
    if (this.state === "closed") return;
    const admitted = this.state === "ready";
    this.state = "closed";
    clearTimeout(this.timer);
    if (!admitted) this.host.refusing(this);
    this.conn.close(code, closeReason(reason));
  }

  /** The transport reports the socket gone. */
  onClosed(): void {
    this.state = "closed";
    clearTimeout(this.timer);
    this.queue = [];
    this.host.closed(this);
  }

  /** One inbound frame: text, or bytes from a binary frame. */
  onMessage(frame: WireFrame): void {
    try {
      this.handle(frame);
    } catch (error) {
      this.host.logError("frame handler failed", { connId: this.connId, error: String(error) });
      this.close(Close.internal, "internal error");
    }
  }

  private handle(frame: WireFrame): void {
    switch (this.state) {
      case "closed":
        return;
      case "awaiting-connect":
      case "authenticating":
        if (frameExceeds(frame, MAX_PREAUTH_PAYLOAD_BYTES)) return this.close(Close.tooBig, "frame too large");
        if (this.state === "authenticating") {
          if (this.queue.length >= MAX_PENDING_HANDSHAKE_FRAMES) return this.close(Close.policy, "too many pending handshake frames");
          this.queue.push(frame);
          return;
        }
        return this.handleFirst(frame);
      case "ready":
        return this.handleRequest(frame);
    }
  }

  /** The first frame must be a `connect` request (§1.7). */
  private handleFirst(data: WireFrame): void {
    const decoded = this.codec.decode(data);
    if (decoded.kind === "invalid-json") return this.close(Close.normal, "");
    if (decoded.kind === "not-request") return this.close(Close.policy, "invalid request frame");
    const { frame } = decoded;
    if (frame.method !== "connect") {
      const message = "invalid handshake: first request must be connect";
      this.conn.send(this.codec.encodeError(frame.id, { code: "INVALID_REQUEST", message }));
      return this.close(Close.policy, message);
    }
    this.state = "authenticating";
    this.host.authenticate(this, frame.params).then(
      (admission) => {
        if (this.state !== "authenticating") return;
        clearTimeout(this.timer);
        const { caller, view, hello } = this.host.welcome(this, admission);
        this.admission = admission;
        this.caller = caller;
        this.view = view;
        this.conn.send(this.codec.encodeResult(frame.id, hello));
        this.state = "ready";
        const queued = this.queue;
        this.queue = [];
        for (const q of queued) this.onMessage(q);
      },
      (error) => {
        if (this.state !== "authenticating") return;
        const { shape, close } = this.toError(error, { code: Close.policy });
        this.conn.send(this.codec.encodeError(frame.id, shape));
        this.close(close?.code ?? Close.policy, close?.reason ?? shape.message);
      },
    );
  }

  private handleRequest(data: WireFrame): void {
    const decoded = this.codec.decode(data);
    if (decoded.kind === "invalid-json") return;
    if (decoded.kind === "not-request") {
      this.send(this.codec.encodeError(decoded.id, { code: "INVALID_REQUEST", message: `invalid request frame: ${decoded.problem}` }));
      return;
    }
    const { frame } = decoded;
    if (frame.method === "connect") {
      this.send(this.codec.encodeError(frame.id, { code: "INVALID_REQUEST", message: "connect is only valid as the first request" }));
      return;
    }
    if (this.inFlight >= MAX_IN_FLIGHT) {
      this.send(this.codec.encodeError(frame.id, { code: "UNAVAILABLE", message: "The server is busy. Please try again in a moment.", retryable: true }));
      return;
    }
    let prepared: PreparedCall | Promise<PreparedCall>;
    try {
      prepared = this.host.prepare(frame.method, frame.params, this.caller!);
    } catch (error) {
      return this.fail(frame.id, error);
    }
    if (prepared instanceof Promise) {
      // The method's group is loading (its first call): the request counts as in flight meanwhile.
      this.inFlight++;
      prepared.then(
        (call) => this.run(frame.id, call),
        (error) => this.fail(frame.id, error),
      ).finally(() => this.inFlight--);
    } else {
      this.run(frame.id, prepared);
    }
  }

  /** Runs an authorized, validated request and answers it: at once, when its promise settles, or in two phases. */
  private run(id: string, call: PreparedCall): void {
    let result: unknown;
    try {
      result = call();
    } catch (error) {
      return this.fail(id, error);
    }
    this.roleErrors = 0;
    if (result instanceof TwoPhaseReply) {
      // Two frames, one id (§6 `agent`): the acknowledgement now, the final result when it settles.
      this.reply(id, result.accepted);
      result.final.then(
        (payload) => this.reply(id, payload),
        (error) => this.fail(id, error),
      );
    } else if (result instanceof Promise) {
      this.inFlight++;
      result.then(
        (payload) => this.reply(id, payload),
        (error) => this.fail(id, error),
      ).finally(() => this.inFlight--);
    } else {
      this.reply(id, result);
    }
  }

  private reply(id: string, payload: unknown): void {
    if (this.state === "ready") this.send(this.codec.encodeResult(id, payload));
  }

  /** Direct sends past `maxBufferedBytes` are dropped by the transport: that client is a slow consumer (§1.4). */
  private send(frame: WireFrame): void {
    if (this.conn.send(frame) === "dropped") this.close(Close.policy, "slow consumer");
  }

  private fail(id: string, error: unknown): void {
    if (this.state !== "ready") return;
    if (error instanceof RoleError && ++this.roleErrors > MAX_ROLE_ERRORS) {
      this.send(this.codec.encodeError(id, error.shape));
      return this.close(Close.policy, "repeated unauthorized calls");
    }
    const { shape, close } = this.toError(error);
    this.send(this.codec.encodeError(id, shape, error instanceof ErrorWithPayload ? error.payload : undefined));
    if (close && this.state === "ready") this.close(close.code, close.reason);
  }

  private toError(error: unknown, fallbackClose?: { code: number }): { shape: ErrorShape; close?: { code: number; reason: string } } {
    if (error instanceof GatewayError) return { shape: error.shape, close: error.close };
    this.host.logError("request failed", { connId: this.connId, error: error instanceof Error ? error.stack ?? error.message : String(error) });
    const shape = unavailable("internal error").shape;
    return { shape, close: fallbackClose ? { code: fallbackClose.code, reason: shape.message } : undefined };
  }

  /** This socket as a node session sends through it: single-recipient events without seq (§1.3, §8). */
  nodeLink(): NodeLink {
    return {
      connId: this.connId,
      sendEvent: (event, payload) => {
        if (this.state !== "ready") return false;
        const status = this.conn.send(this.codec.encodeEvent(event, payload));
        if (status === "dropped") this.close(Close.policy, "slow consumer");
        return status !== "dropped";
      },
      close: (code, reason) => this.close(code, reason),
    };
  }
}
