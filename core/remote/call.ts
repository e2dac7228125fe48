/**
 * A one-shot gateway RPC client for the CLI: connect as `cli`, run one
 * method, close. Speaks the same protocol as any other client.
 * Runtime-agnostic (takes the platform WebSocket).
 */
import type { ErrorShape } from "../protocol/errors.ts";
import { PROTOCOL_VERSION } from "../protocol/version.ts";

export interface CallOptions {
  url: string;
  token?: string;
  password?: string;
  method: string;
  params?: unknown;
  scopes: string[];
  timeoutMs: number;
  clientVersion: string;
  platform: string;
  mode?: "cli" | "probe";
  /** Wait for the second `res` of two-phase methods (`agent`). */
  expectFinal?: boolean;
  WebSocketImpl?: typeof WebSocket;
}

/** Why a call failed: the gateway answered with an error, or it could not be reached or kept. */
export type CallFailure =
  | { type: "gateway_request_error"; error: ErrorShape }
  | { type: "gateway_transport_error"; kind: "closed" | "timeout"; message: string; code?: number; reason?: string };

export type CallResult = { ok: true; payload: unknown; hello: Record<string, unknown> } | { ok: false; failure: CallFailure };

export function callGateway(opts: CallOptions): Promise<CallResult> {
  const WS = opts.WebSocketImpl ?? WebSocket;
  return new Promise((resolve) => {
    let settled = false;
    let hello: Record<string, unknown> = {};
    let ws: WebSocket;
    const finish = (result: CallResult) => {
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
        ws.send(JSON.stringify({ type: "req", id: "call", method: opts.method, params: opts.params ?? {} }));
        return;
      }
      if (frame.id === "call") {
        if (opts.expectFinal && frame.ok && frame.payload?.status === "accepted") return;
        if (!frame.ok) return finish({ ok: false, failure: { type: "gateway_request_error", error: frame.error! } });
        finish({ ok: true, payload: frame.payload, hello });
      }
    };
  });
}
