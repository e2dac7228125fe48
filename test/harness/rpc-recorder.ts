/**
 * Test harness: every RPC a page makes over its WebSockets, read from the
 * frames Chromium sends and receives (`page.on("websocket")`), so a test can
 * say which methods a real UI called and that none of them failed.
 */
import type { Page } from "playwright-core";

/** One request the page sent and, once it came, its response. */
export interface RecordedCall {
  method: string;
  params: unknown;
  /** The socket's URL. */
  url: string;
  response?: { ok: boolean; payload?: any; error?: any };
}

export class RpcRecorder {
  readonly calls: RecordedCall[] = [];
  /** Event names the page received, in order. */
  readonly events: string[] = [];

  constructor(page: Page) {
    page.on("websocket", (ws) => {
      // Request ids are per socket: a reconnect may reuse them.
      const open = new Map<string, RecordedCall>();
      ws.on("framesent", ({ payload }) => {
        const frame = parseFrame(payload);
        if (frame?.type !== "req") return;
        const call: RecordedCall = { method: frame.method, params: frame.params, url: ws.url() };
        open.set(frame.id, call);
        this.calls.push(call);
      });
      ws.on("framereceived", ({ payload }) => {
        const frame = parseFrame(payload);
        if (frame?.type === "event") this.events.push(frame.event);
        if (frame?.type !== "res") return;
        const call = open.get(frame.id);
        // `agent` answers twice (accepted, then final): the last answer stands.
        if (call) call.response = { ok: frame.ok, payload: frame.payload, error: frame.error };
      });
    });
  }

  /** Distinct methods called, in first-call order. */
  methods(): string[] {
    return [...new Set(this.calls.map((c) => c.method))];
  }

  /** Calls answered with `ok: false`. */
  failed(): RecordedCall[] {
    return this.calls.filter((c) => c.response && !c.response.ok);
  }

  /** Calls still waiting for an answer. */
  unanswered(): RecordedCall[] {
    return this.calls.filter((c) => !c.response);
  }

  /** The `connect` calls, in order. */
  connects(): RecordedCall[] {
    return this.calls.filter((c) => c.method === "connect");
  }
}

function parseFrame(payload: string | Buffer): any {
  try {
    return JSON.parse(String(payload));
  } catch {
    return undefined;
  }
}
