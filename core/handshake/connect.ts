/**
 * The `connect` request, checked in the real gateway's order (spec §2.3):
 * schema -> protocol -> role -> Origin -> shared secret -> missing-device rule
 * -> device proof -> device token -> pairing, as the list `connectSteps`
 * over one `ConnectState` (aedes' connect actions). Each step either passes,
 * admits (the missing-device rule for a device-less connect, else pairing),
 * or throws the exact refusal. A refused connect leaves two traces only:
 * failed credentials count in the auth rate limiter (§4.5), and the pairing
 * step files the pending request the owner approves (§4.4, PAIRING_REQUIRED).
 * Runtime-agnostic.
 */
import { authFailure, type AuthFailureReason, type AuthProvided, type FailureContext } from "../auth/messages.ts";
import { attemptKey, type AuthRateLimiter } from "../auth/rate-limit.ts";
import { safeEqualSecret, type ResolvedAuth } from "../auth/secrets.ts";
import { verifyDeviceProof, publicKeyBase64Url } from "../device/identity.ts";
import type { DeviceAdmission, DeviceRegistry } from "../device/registry.ts";
import { hostName, isLocalNetworkHost, isLoopbackHost } from "../net/address.ts";
import { Close, GatewayError } from "../protocol/errors.ts";
import { formatIssues } from "../protocol/validation.ts";
import { negotiateProtocol } from "../protocol/version.ts";
import type { PeerInfo } from "../runtime.ts";
import type { Role } from "../scopes/scopes.ts";
import { connectParamsSchema, type ConnectParams } from "./connect-params.ts";

/** How the connection proved itself, as `hello-ok.auth.method` reports it. */
export type AuthMethod = "token" | "password" | "none" | "device-token" | "trusted-proxy";

/** Everything the connect steps read. */
export interface ConnectContext {
  rawParams: unknown;
  peer: PeerInfo;
  challengeNonce: string;
  auth: ResolvedAuth;
  trustedProxies: readonly string[];
  allowedOrigins: readonly string[];
  limiter: AuthRateLimiter;
  devices: DeviceRegistry;
  now: number;
}

/** A connect that passed every step. */
export interface Admission {
  params: ConnectParams;
  role: Role;
  scopes: string[];
  method: AuthMethod;
  isLocalClient: boolean;
  device?: DeviceAdmission;
}

type SecretResult = { ok: true; method: AuthMethod } | { ok: false; reason: AuthFailureReason; retryAfterMs?: number };

/** What the steps learn, in order; each field is set by the step named beside it. */
class ConnectState {
  /** schema: the params and the scopes they ask for */
  params!: ConnectParams;
  scopes: string[] = [];
  /** role */
  role!: Role;
  /** shared secret: the verdict, which a device token may still overturn */
  secret!: SecretResult;
  /** A shared-secret mismatch not yet recorded because a device token may rescue it. */
  pendingSharedFailure = false;
  /** The token a device may present instead of the shared secret. */
  deviceTokenCandidate?: string;
  /** device token: how the connection proved itself, once it has */
  method?: AuthMethod;
  /** device proof */
  publicKey?: Uint8Array;
  /** Set by the step that admits; later steps are skipped. */
  admission?: Admission;

  constructor(readonly ctx: ConnectContext) {}

  /** Loopback socket, local Host, no proxy headers: the "direct_local" locality of §4.4. */
  get isLocalClient(): boolean {
    const { peer } = this.ctx;
    return peer.isLoopback && !peer.forwarded && (peer.host === undefined || isLoopbackHost(hostName(peer.host)));
  }

  get hasBrowserOrigin(): boolean {
    return Boolean(this.ctx.peer.origin?.trim());
  }

  /** Throws the auth refusal for `reason`, worded for this client (core/auth/messages.ts). */
  reject(reason: AuthFailureReason, retryAfterMs?: number): never {
    const { params, ctx } = this;
    const failure: FailureContext = {
      mode: ctx.auth.mode,
      provided: providedKind(params.auth),
      clientId: params.client.id,
      clientMode: params.client.mode,
      isLocalClient: this.isLocalClient,
      hasDevice: Boolean(params.device),
      sentDeviceToken: Boolean(params.auth?.deviceToken),
    };
    throw authFailure(reason, failure, retryAfterMs);
  }
}

/** One check of §2.3; returns a promise only when it must wait. */
type ConnectStep = (state: ConnectState) => void | Promise<void>;

function providedKind(auth: ConnectParams["auth"]): AuthProvided {
  return auth?.password ? "password" : auth?.token ? "token" : auth?.bootstrapToken ? "bootstrap-token" : auth?.deviceToken ? "device-token" : "none";
}

/** The closed params schema. */
function parseParams(state: ConnectState): void {
  const parsed = connectParamsSchema.safeParse(state.ctx.rawParams ?? {}, { reportInput: true });
  if (!parsed.success) {
    const message = `invalid connect params: ${formatIssues(parsed.error.issues)}`;
    throw new GatewayError({ code: "INVALID_REQUEST", message }, { code: Close.policy, reason: message });
  }
  state.params = parsed.data;
  state.scopes = parsed.data.scopes ?? [];
}

/** The protocol range and the client mode (§2.2). */
function checkProtocol({ params }: ConnectState): void {
  negotiateProtocol({ minProtocol: params.minProtocol, maxProtocol: params.maxProtocol, mode: params.client.mode, role: params.role ?? "operator" });
}

/** Only operator and node exist on this socket (§5). */
function checkRole(state: ConnectState): void {
  const role = state.params.role ?? "operator";
  if (role !== "operator" && role !== "node") throw new GatewayError({ code: "INVALID_REQUEST", message: "invalid role" }, { code: Close.policy, reason: "invalid role" });
  state.role = role;
}

/**
 * A browser Origin must be the owner's own machine or network or be
 * explicitly allowed (§4.7). Its host is parsed as an IP literal; a DNS name
 * passes only as `localhost`, so look-alikes such as `127.evil.example` or
 * `fdic.gov` need `gateway.controlUi.allowedOrigins`.
 */
function checkOrigin({ ctx }: ConnectState): void {
  const origin = ctx.peer.origin?.trim();
  if (!origin) return;
  const { allowedOrigins } = ctx;
  if (allowedOrigins.includes("*") || allowedOrigins.includes(origin)) return;
  let host = "";
  try {
    host = new URL(origin).hostname;
  } catch {
    // An unparsable Origin is simply not allowed.
  }
  if (host && isLocalNetworkHost(host)) return;
  const message = "origin not allowed (open the Control UI from the gateway host or allow it in gateway.controlUi.allowedOrigins)";
  throw new GatewayError(
    { code: "INVALID_REQUEST", message, details: { code: "CONTROL_UI_ORIGIN_NOT_ALLOWED", reason: "origin not allowed" } },
    { code: Close.policy, reason: message },
  );
}

/**
 * The shared secret. In token mode a password field is read as the token
 * and vice versa, as upstream does. A mismatch is recorded against the rate
 * limit unless a device token may still rescue the attempt (then the device
 * token step records it).
 */
async function checkSharedSecret(state: ConnectState): Promise<void> {
  const { params } = state;
  state.deviceTokenCandidate = params.device ? params.auth?.deviceToken || params.auth?.token : undefined;
  const secret = await sharedSecretVerdict(state.ctx, params, Boolean(state.deviceTokenCandidate));
  state.secret = secret;
  state.pendingSharedFailure = Boolean(state.deviceTokenCandidate) && !secret.ok && (secret.reason === "token_mismatch" || secret.reason === "password_mismatch");
}

async function sharedSecretVerdict(ctx: ConnectContext, params: ConnectParams, deferFailure: boolean): Promise<SecretResult> {
  const { auth, peer, limiter } = ctx;
  if (auth.mode === "none") return { ok: true, method: "none" };
  if (auth.mode === "trusted-proxy") {
    const fromProxy = ctx.trustedProxies.includes(peer.remoteAddress);
    const user = auth.trustedProxy && peer.headers.get(auth.trustedProxy.userHeader)?.trim();
    return fromProxy && user ? { ok: true, method: "trusted-proxy" } : { ok: false, reason: "trusted_proxy_user_missing" };
  }
  const expected = auth.mode === "token" ? auth.token : auth.password;
  const provided = auth.mode === "token" ? params.auth?.token ?? params.auth?.password : params.auth?.password ?? params.auth?.token;
  if (!expected) return { ok: false, reason: `${auth.mode}_missing_config` };
  if (!provided) return { ok: false, reason: `${auth.mode}_missing` };
  const key = attemptKey(peer);
  const gate = limiter.check(key, "shared-secret");
  if (!gate.allowed) return { ok: false, reason: "rate_limited", retryAfterMs: gate.retryAfterMs };
  if (!safeEqualSecret(provided, expected)) {
    if (!deferFailure) await limiter.recordFailure(key, "shared-secret");
    return { ok: false, reason: `${auth.mode}_mismatch` };
  }
  limiter.reset(key, "shared-secret");
  return { ok: true, method: auth.mode };
}

/**
 * The missing-device rule (§4.2): without a device only a local backend, a
 * Control UI behind a trusted proxy, or an operator with a good shared secret
 * gets in, and only a local backend or local CLI keeps its scopes. Admits here.
 */
function checkMissingDevice(state: ConnectState): void | Promise<void> {
  const { params, secret, role, isLocalClient, hasBrowserOrigin } = state;
  if (params.device) return;
  const isBackend = params.client.id === "gateway-client" && params.client.mode === "backend";
  const isCli = params.client.id === "cli" && params.client.mode === "cli";
  const sharedMethod = secret.ok && (secret.method === "token" || secret.method === "password");
  const sharedAuthOk = sharedMethod || (secret.ok && secret.method === "trusted-proxy");
  const localBackend = isBackend && isLocalClient && !hasBrowserOrigin && secret.ok && (secret.method === "none" || sharedMethod);
  const localCli = isCli && isLocalClient && !hasBrowserOrigin && sharedMethod;
  if (!(localBackend && role === "operator")) {
    if (params.client.id === "openclaw-control-ui" && !(secret.ok && secret.method === "trusted-proxy")) {
      const message = "control ui requires device identity (use HTTPS or localhost secure context)";
      throw new GatewayError({ code: "INVALID_REQUEST", message, details: { code: "CONTROL_UI_DEVICE_IDENTITY_REQUIRED" } }, { code: Close.policy, reason: message });
    }
    if (!(role === "operator" && sharedAuthOk)) {
      if (!secret.ok && (params.auth?.token || params.auth?.password)) return state.reject(secret.reason, secret.retryAfterMs);
      throw new GatewayError(
        { code: "NOT_PAIRED", message: "device identity required", details: { code: "DEVICE_IDENTITY_REQUIRED" } },
        { code: Close.policy, reason: "device identity required" },
      );
    }
  }
  // Here the secret passed: both ways out of the block above require it.
  // Device-less connects keep their scopes only as a local backend or local CLI (§4.2).
  const scopes = localBackend || localCli ? state.scopes : [];
  state.admission = { params, role, scopes, method: secret.method, isLocalClient };
}

/** The device proof over the challenge nonce (§3). */
async function checkDeviceProof(state: ConnectState): Promise<void> {
  const { params, role, scopes, ctx } = state;
  const device = params.device!;
  try {
    const proof = await verifyDeviceProof(
      device,
      { clientId: params.client.id, clientMode: params.client.mode, role, scopes, token: params.auth?.token ?? params.auth?.deviceToken ?? params.auth?.bootstrapToken ?? "", platform: params.client.platform, deviceFamily: params.client.deviceFamily },
      ctx.challengeNonce,
      ctx.now,
    );
    state.publicKey = proof.publicKey;
  } catch (error) {
    if (state.pendingSharedFailure) await ctx.limiter.recordFailure(attemptKey(ctx.peer), "shared-secret");
    throw error;
  }
}

/** A device token may stand in for a missing or wrong shared secret (§4.2). */
async function checkDeviceToken(state: ConnectState): Promise<void> {
  const { ctx, params, deviceTokenCandidate } = state;
  if (!state.secret.ok && deviceTokenCandidate) {
    const key = attemptKey(ctx.peer);
    const gate = ctx.limiter.check(key, "device-token");
    if (!gate.allowed) {
      state.secret = { ok: false, reason: "rate_limited", retryAfterMs: gate.retryAfterMs };
    } else {
      const check = ctx.devices.verifyToken(params.device!.id, state.role, deviceTokenCandidate, state.scopes);
      if (check === "ok") {
        state.secret = { ok: true, method: "device-token" };
        ctx.limiter.reset(key, "device-token");
      } else {
        const explicit = Boolean(params.auth?.deviceToken);
        state.secret = { ok: false, reason: check === "scope-mismatch" ? "scope_mismatch" : explicit ? "device_token_mismatch" : state.secret.reason };
        await ctx.limiter.recordFailure(key, "device-token");
      }
    }
    if (!state.secret.ok && state.pendingSharedFailure) await ctx.limiter.recordFailure(key, "shared-secret");
  }
  if (!state.secret.ok) return state.reject(state.secret.reason, state.secret.retryAfterMs);
  state.method = state.secret.method;
}

/** Operator UIs (Control UI, TUI; not the browser copilot) and WebChat, as upstream's isOperatorUiClient / isWebchatClient. */
function isUiClient(client: ConnectParams["client"]): boolean {
  return client.id === "openclaw-control-ui" || client.id === "openclaw-tui" || client.id === "webchat-ui" || client.mode === "webchat";
}

/**
 * Pairing (§4.4): known devices pass, local ones pair silently, others are
 * filed for approval. A browser Origin blocks silent approval unless the
 * client is an operator UI or WebChat (upstream's shouldAllowSilentLocalPairing):
 * the Origin check already admitted that page. Admits here.
 */
async function checkPairing(state: ConnectState): Promise<void> {
  const { ctx, params, role, scopes, isLocalClient } = state;
  const method = state.method!;
  const uiClient = isUiClient(params.client);
  const device = await ctx.devices.admit({
    deviceId: params.device!.id,
    publicKey: publicKeyBase64Url(state.publicKey!),
    role,
    scopes,
    client: params.client,
    method,
    silentAllowed: isLocalClient && (!state.hasBrowserOrigin || uiClient),
    uiClient,
    remoteIp: ctx.peer.remoteAddress || undefined,
    now: ctx.now,
  });
  state.admission = { params, role, scopes, method, isLocalClient, device };
}

/** The checks of §2.3, in the real gateway's order. */
export const connectSteps: readonly (readonly [name: string, step: ConnectStep])[] = [
  ["schema", parseParams],
  ["protocol", checkProtocol],
  ["role", checkRole],
  ["origin", checkOrigin],
  ["shared secret", checkSharedSecret],
  ["missing device", checkMissingDevice],
  ["device proof", checkDeviceProof],
  ["device token", checkDeviceToken],
  ["pairing", checkPairing],
];

/** Runs the steps until one admits; resolves with the admission or rejects with the refusal to send. */
export async function authenticateConnect(ctx: ConnectContext): Promise<Admission> {
  const state = new ConnectState(ctx);
  for (const [, step] of connectSteps) {
    const pending = step(state);
    if (pending) await pending;
    if (state.admission) return state.admission;
  }
  throw new Error("connect steps ended without an admission");
}
