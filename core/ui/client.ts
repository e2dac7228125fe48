/**
 * The page's gateway connection: protocol v4 over the page's own origin
 * (challenge, signed connect, req/res by id, events), reconnecting on its
 * own. A pairing request that waits for approval is retried every few
 * seconds, as upstream's Control UI does.
 */
import { deviceToken, loadIdentity, signProof, type DeviceIdentity } from "./identity.ts";

export const CLIENT = { id: "openclaw-control-ui", mode: "webchat", version: "clawgate-ui" } as const;
export const SCOPES = ["operator.admin", "operator.read", "operator.write", "operator.approvals", "operator.pairing"];

/** A refusal from the gateway: `{ code, message, details }`. */
export class RpcError extends Error {
  constructor(readonly code: string, message: string, readonly details?: Record<string, unknown>) {
    super(message);
  }
}

export type Credentials = { token?: string; password?: string };

export type ConnState =
  | { kind: "idle" }
  | { kind: "connecting" }
  | { kind: "pairing"; requestId?: string; deviceId: string }
  | { kind: "refused"; message: string }
  | { kind: "open"; hello: Record<string, any> };

type Listener = (event: string, payload: any) => void;

/** Random hex ids; `crypto.randomUUID` is missing outside secure contexts. */
export function randomId(bytes = 16): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(bytes)), (b) => b.toString(16).padStart(2, "0")).join("");
}

const PAIRING_RETRY_MS = 3000;
const RECONNECT_MS = 1500;

export class GatewayClient {
  readonly identity: DeviceIdentity = loadIdentity();
  state: ConnState = { kind: "idle" };
  private ws?: WebSocket;
  private pending = new Map<string, { resolve: (v: any) => void; reject: (e: Error) => void }>();
  private listeners = new Set<Listener>();
  private stateListeners = new Set<(s: ConnState) => void>();
  private creds: Credentials = {};
  private retry?: ReturnType<typeof setTimeout>;
  private stopped = true;

  constructor(private readonly url: string) {}

  /** Whether a stored device token can log in without a secret. */
  get hasDeviceToken(): boolean {
    return deviceToken.get(this.identity.deviceId) !== undefined;
  }

  onEvent(l: Listener): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  onState(l: (s: ConnState) => void): () => void {
    this.stateListeners.add(l);
    return () => this.stateListeners.delete(l);
  }

  start(creds: Credentials = {}): void {
    this.creds = creds;
    this.stopped = false;
    this.open();
  }

  /** Forgets the secret and the device token (log out). */
  stop(forget = false): void {
    this.stopped = true;
    clearTimeout(this.retry);
    if (forget) deviceToken.clear();
    this.ws?.close();
    this.setState({ kind: "idle" });
  }

  request<T = any>(method: string, params: Record<string, unknown> = {}): Promise<T> {
    const ws = this.ws;
    if (!ws || this.state.kind !== "open") return Promise.reject(new RpcError("UNAVAILABLE", "not connected"));
    const id = randomId(8);
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      ws.send(JSON.stringify({ type: "req", id, method, params }));
    });
  }

  private setState(s: ConnState): void {
    this.state = s;
    for (const l of this.stateListeners) l(s);
  }

  private schedule(ms: number): void {
    clearTimeout(this.retry);
    if (!this.stopped) this.retry = setTimeout(() => this.open(), ms);
  }

  private open(): void {
    if (this.stopped) return;
    if (this.state.kind !== "pairing") this.setState({ kind: "connecting" });
    const ws = new WebSocket(this.url);
    this.ws = ws;
    let connectId: string | undefined;
    ws.onmessage = (ev) => {
      const frame = JSON.parse(String(ev.data));
      if (frame.type === "event" && frame.event === "connect.challenge") {
        connectId = randomId(8);
        ws.send(JSON.stringify({ type: "req", id: connectId, method: "connect", params: this.connectParams(frame.payload.nonce) }));
      } else if (frame.type === "res" && frame.id === connectId) {
        if (frame.ok) {
          const issued = frame.payload?.auth?.deviceToken;
          if (typeof issued === "string") deviceToken.set(this.identity.deviceId, issued);
          this.setState({ kind: "open", hello: frame.payload });
        } else {
          this.refused(frame.error ?? {});
        }
      } else if (frame.type === "res") {
        const p = this.pending.get(frame.id);
        if (!p) return;
        this.pending.delete(frame.id);
        if (frame.ok) p.resolve(frame.payload);
        else p.reject(new RpcError(frame.error?.code ?? "ERROR", frame.error?.message ?? "request failed", frame.error?.details));
      } else if (frame.type === "event") {
        for (const l of this.listeners) l(frame.event, frame.payload);
      }
    };
    ws.onclose = () => {
      if (this.ws !== ws) return;
      for (const p of this.pending.values()) p.reject(new RpcError("UNAVAILABLE", "connection closed"));
      this.pending.clear();
      if (this.state.kind === "open" || this.state.kind === "connecting") {
        this.setState({ kind: "connecting" });
        this.schedule(RECONNECT_MS);
      }
    };
  }

  private connectParams(nonce: string): Record<string, unknown> {
    const stored = deviceToken.get(this.identity.deviceId);
    const auth: Record<string, string> = {};
    if (this.creds.token) auth.token = this.creds.token;
    if (this.creds.password) auth.password = this.creds.password;
    if (stored) auth.deviceToken = stored;
    const platform = navigator.platform || "web";
    const client = { id: CLIENT.id, mode: CLIENT.mode, version: CLIENT.version, platform };
    const device = signProof(this.identity, {
      clientId: CLIENT.id, clientMode: CLIENT.mode, role: "operator", scopes: SCOPES,
      token: auth.token ?? auth.deviceToken ?? "", nonce, platform,
    });
    return { minProtocol: 4, maxProtocol: 4, client, role: "operator", scopes: SCOPES, auth, device, userAgent: navigator.userAgent, locale: navigator.language };
  }

  private refused(error: { code?: string; message?: string; details?: Record<string, any> }): void {
    const details = error.details ?? {};
    if (details.code === "PAIRING_REQUIRED") {
      this.setState({ kind: "pairing", requestId: details.requestId, deviceId: this.identity.deviceId });
      this.schedule(PAIRING_RETRY_MS);
      return;
    }
    // A stale device token (revoked, rotated) is dropped so the shared secret can pair again.
    if (details.code === "AUTH_DEVICE_TOKEN_MISMATCH" || /device token/i.test(error.message ?? "")) deviceToken.clear();
    this.stopped = true;
    this.setState({ kind: "refused", message: error.message ?? "connect refused" });
  }

  /** Retry at once (the pairing screen's "Check now"). */
  checkNow(): void {
    this.schedule(0);
  }
}
