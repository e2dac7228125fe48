/**
 * A one-shot gateway RPC client for the CLI: connect as `cli`, run one method
 * (or a short batch, for probes), close. Speaks the same protocol as any
 * other client. Runtime-agnostic (takes the platform WebSocket).
 */
import type { ErrorShape } from "../protocol/errors.ts";
import { PROTOCOL_VERSION } from "../protocol/version.ts";

export interface ConnectOptions {
  url: string;
  token?: string;
  password?: string;
  scopes: string[];
  timeoutMs: number;
  clientVersion: string;
  platform: string;
  mode?: "cli" | "probe";
  WebSocketImpl?: typeof WebSocket;
}

export interface CallOptions extends ConnectOptions {
  method: string;
  params?: unknown;
  /** Wait for the second `res` of two-phase methods (`agent`). */
  expectFinal?: boolean;
}

/** Why a call failed: the gateway answered with an error, or it could not be reached or kept. */
export type CallFailure =
  | { type: "gateway_request_error"; error: ErrorShape }
  | { type: "gateway_transport_error"; kind: "closed" | "timeout"; message: string; code?: number; reason?: string };

export type CallResult = { ok: true; payload: unknown; hello: Record<string, unknown> } | { ok: false; failure: CallFailure };

/** One answer within a batch. */
export type BatchAnswer = { ok: true; payload: unknown } | { ok: false; error: ErrorShape };

/** A batch either connected (answers may still be errors) or failed to connect. */
export type BatchResult = { ok: true; hello: Record<string, unknown>; answers: BatchAnswer[]; connectMs: number } | { ok: false; failure: CallFailure };

interface Request {
  method: string;
  params?: unknown;
  expectFinal?: boolean;
}

/** Connects, sends every request after hello-ok, and resolves when all are answered. */
function session(opts: ConnectOptions, requests: readonly Request[]): Promise<BatchResult> {
  const WS = opts.WebSocketImpl ?? WebSocket;
  const started = Date.now();
  return new Promise((resolve) => {
    let settled = false;
    let hello: Record<string, unknown> = {};
    let connectMs = 0;
    const answers: (BatchAnswer | undefined)[] = requests.map(() => undefined);
    let ws: WebSocket;
    const finish = (result: BatchResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      try {
        ws.close(1000);
      } catch {
        // already closed
      }
      resolve(result);
    };
    const timer = setTimeout(() => finish({ ok: false, failure: { type: "gateway_transport_error", kind: "timeout", message: `gateway timeout after ${opts.timeoutMs}ms` } }), opts.timeoutMs);
    try {
      ws = new WS(opts.url);
    } catch (error) {
      finish({ ok: false, failure: { type: "gateway_transport_error", kind: "closed", message: `Gateway not reachable at ${opts.url} (${String(error)}).` } });
      return;
    }
    let opened = false;
    ws.onopen = () => {
      opened = true;
    };
    ws.onerror = () => {
      if (!opened) finish({ ok: false, failure: { type: "gateway_transport_error", kind: "closed", message: `Gateway not reachable at ${opts.url} (ECONNREFUSED).` } });
    };
    ws.onclose = (ev) => {
      finish({
        ok: false,
        failure: { type: "gateway_transport_error", kind: "closed", message: opened ? `gateway closed (${ev.code}): ${ev.reason}` : `Gateway not reachable at ${opts.url} (ECONNREFUSED).`, code: ev.code, reason: ev.reason },
      });
    };
    ws.onmessage = (ev) => {
      let frame: { type?: string; event?: string; id?: string; ok?: boolean; payload?: any; error?: ErrorShape };
      try {
        frame = JSON.parse(String(ev.data));
      } catch {
        return;
      }
      if (frame.type === "event" && frame.event === "connect.challenge") {
        const auth: Record<string, string> = {};
        if (opts.token) auth.token = opts.token;
        if (opts.password) auth.password = opts.password;
        ws.send(JSON.stringify({
          type: "req",
          id: "connect",
          method: "connect",
          params: {
            minProtocol: opts.mode === "probe" ? 3 : PROTOCOL_VERSION,
            maxProtocol: PROTOCOL_VERSION,
            client: { id: "cli", version: opts.clientVersion, platform: opts.platform, mode: opts.mode ?? "cli", instanceId: crypto.randomUUID() },
            caps: [],
            auth,
            role: "operator",
            scopes: opts.scopes,
          },
        }));
        return;
      }
      if (frame.type !== "res") return;
      if (frame.id === "connect") {
        if (!frame.ok) return finish({ ok: false, failure: { type: "gateway_request_error", error: frame.error! } });
        hello = frame.payload ?? {};
        connectMs = Date.now() - started;
        if (requests.length === 0) return finish({ ok: true, hello, answers: [], connectMs });
        requests.forEach((r, i) => ws.send(JSON.stringify({ type: "req", id: `call-${i}`, method: r.method, params: r.params ?? {} })));
        return;
      }
      const i = Number(/^call-(\d+)$/.exec(frame.id ?? "")?.[1] ?? -1);
      if (!(i >= 0 && i < requests.length) || answers[i]) return;
      if (requests[i]!.expectFinal && frame.ok && frame.payload?.status === "accepted") return;
      answers[i] = frame.ok ? { ok: true, payload: frame.payload } : { ok: false, error: frame.error! };
      if (answers.every((a) => a !== undefined)) finish({ ok: true, hello, answers: answers as BatchAnswer[], connectMs });
    };
  });
}

/** Runs several methods over one connection (probes); each answer may be an error. */
export function callGatewayBatch(opts: ConnectOptions & { calls: readonly Request[] }): Promise<BatchResult> {
  return session(opts, opts.calls);
}

export async function callGateway(opts: CallOptions): Promise<CallResult> {
  const result = await session(opts, [{ method: opts.method, params: opts.params, expectFinal: opts.expectFinal }]);
  if (!result.ok) return result;
  const answer = result.answers[0]!;
  return answer.ok ? { ok: true, payload: answer.payload, hello: result.hello } : { ok: false, failure: { type: "gateway_request_error", error: answer.error } };
}
