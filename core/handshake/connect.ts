/**
 * The `connect` request, checked in the real gateway's order (spec §2.3):
 * schema -> protocol -> role -> Origin -> shared secret -> missing-device rule
 * -> device proof -> device token -> pairing. Each step either passes or
 * throws the exact refusal. A refused connect leaves two traces only: failed
 * credentials count in the auth rate limiter (§4.5), and the pairing step files
 * the pending request the owner approves (§4.4, PAIRING_REQUIRED).
 * Runtime-agnostic.
 */
import { authFailure, type AuthFailureReason, type AuthProvided, type FailureContext } from "../auth/messages.ts";
import { attemptKey, type AuthRateLimiter, type CredentialKind } from "../auth/rate-limit.ts";
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

/** Step 1: the closed params schema. */
function parseParams(raw: unknown): ConnectParams {
  const parsed = connectParamsSchema.safeParse(raw ?? {}, { reportInput: true });
  if (parsed.success) return parsed.data;
  const message = `invalid connect params: ${formatIssues(parsed.error.issues)}`;
  throw new GatewayError({ code: "INVALID_REQUEST", message }, { code: Close.policy, reason: message });
}

/** Step 3: only operator and node exist on this socket (§5). */
function checkRole(params: ConnectParams): Role {
  const role = params.role ?? "operator";
  if (role !== "operator" && role !== "node") throw new GatewayError({ code: "INVALID_REQUEST", message: "invalid role" }, { code: Close.policy, reason: "invalid role" });
  return role;
}

/**
 * Step 4: a browser Origin must be the owner's own machine or network or be
 * explicitly allowed (§4.7). Its host is parsed as an IP literal; a DNS name
 * passes only as `localhost`, so look-alikes such as `127.evil.example` or
 * `fdic.gov` need `gateway.controlUi.allowedOrigins`.
 */
function checkOrigin(peer: PeerInfo, allowedOrigins: readonly string[]): void {
  const origin = peer.origin?.trim();
  if (!origin) return;
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

/** Loopback socket, local Host, no proxy headers: the "direct_local" locality of §4.4. */
function isDirectLocal(peer: PeerInfo): boolean {
  return peer.isLoopback && !peer.forwarded && (peer.host === undefined || isLoopbackHost(hostName(peer.host)));
}

function providedKind(auth: ConnectParams["auth"]): AuthProvided {
  return auth?.password ? "password" : auth?.token ? "token" : auth?.bootstrapToken ? "bootstrap-token" : auth?.deviceToken ? "device-token" : "none";
}

/**
 * Step 5: the shared secret. In token mode a password field is read as the
 * token and vice versa, as upstream does. A mismatch is recorded against the
 * rate limit unless a device token may still rescue the attempt.
 */
async function checkSharedSecret(ctx: ConnectContext, params: ConnectParams, deferFailure: boolean): Promise<SecretResult> {
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

/** Runs every step; resolves with the admission or throws the refusal to send. */
export async function authenticateConnect(ctx: ConnectContext): Promise<Admission> {
  const params = parseParams(ctx.rawParams);
  negotiateProtocol({ minProtocol: params.minProtocol, maxProtocol: params.maxProtocol, mode: params.client.mode, role: params.role ?? "operator" });
  const role = checkRole(params);
  let scopes = params.scopes ?? [];
  checkOrigin(ctx.peer, ctx.allowedOrigins);

  const device = params.device;
  const isLocalClient = isDirectLocal(ctx.peer);
  const hasBrowserOrigin = Boolean(ctx.peer.origin?.trim());
  const provided = providedKind(params.auth);
  const hasSharedAuth = Boolean(params.auth?.token || params.auth?.password);
  const deviceTokenCandidate = device ? params.auth?.deviceToken || params.auth?.token : undefined;
  const failureCtx: FailureContext = { mode: ctx.auth.mode, provided, clientId: params.client.id, clientMode: params.client.mode, isLocalClient, hasDevice: Boolean(device), sentDeviceToken: Boolean(params.auth?.deviceToken) };
  const reject = async (reason: AuthFailureReason, retryAfterMs?: number, record?: CredentialKind): Promise<never> => {
    if (record) await ctx.limiter.recordFailure(attemptKey(ctx.peer), record);
    throw authFailure(reason, failureCtx, retryAfterMs);
  };

  let secret = await checkSharedSecret(ctx, params, Boolean(deviceTokenCandidate));
  const sharedAuthOk = secret.ok && (secret.method === "token" || secret.method === "password" || secret.method === "trusted-proxy");
  const pendingSharedFailure = Boolean(deviceTokenCandidate) && !secret.ok && (secret.reason === "token_mismatch" || secret.reason === "password_mismatch");

  // Step 6: the missing-device rule (§4.2).
  if (!device) {
    const isBackend = params.client.id === "gateway-client" && params.client.mode === "backend";
    const isCli = params.client.id === "cli" && params.client.mode === "cli";
    const sharedMethod = secret.ok && (secret.method === "token" || secret.method === "password");
    const localBackend = isBackend && isLocalClient && !hasBrowserOrigin && secret.ok && (secret.method === "none" || sharedMethod);
    const localCli = isCli && isLocalClient && !hasBrowserOrigin && sharedMethod;
    const isControlUi = params.client.id === "openclaw-control-ui";
    if (!(localBackend && role === "operator")) {
      if (isControlUi && !(sharedAuthOk && secret.ok && secret.method === "trusted-proxy")) {
        const message = "control ui requires device identity (use HTTPS or localhost secure context)";
        throw new GatewayError({ code: "INVALID_REQUEST", message, details: { code: "CONTROL_UI_DEVICE_IDENTITY_REQUIRED" } }, { code: Close.policy, reason: message });
      }
      if (!(role === "operator" && sharedAuthOk)) {
        if (!secret.ok && hasSharedAuth) return reject(secret.reason, secret.ok ? undefined : secret.retryAfterMs);
        throw new GatewayError(
          { code: "NOT_PAIRED", message: "device identity required", details: { code: "DEVICE_IDENTITY_REQUIRED" } },
          { code: Close.policy, reason: "device identity required" },
        );
      }
    }
    // Device-less connects keep their scopes only as a local backend or local CLI (§4.2).
    if (!localBackend && !localCli) scopes = [];
    if (!secret.ok) return reject(secret.reason, secret.retryAfterMs);
    return { params, role, scopes, method: secret.method, isLocalClient };
  }

  // Step 7: the device proof (§3).
  let proof;
  try {
    proof = await verifyDeviceProof(
      device,
      { clientId: params.client.id, clientMode: params.client.mode, role, scopes, token: params.auth?.token ?? params.auth?.deviceToken ?? params.auth?.bootstrapToken ?? "", platform: params.client.platform, deviceFamily: params.client.deviceFamily },
      ctx.challengeNonce,
      ctx.now,
    );
  } catch (error) {
    if (pendingSharedFailure) await ctx.limiter.recordFailure(attemptKey(ctx.peer), "shared-secret");
    throw error;
  }

  // Step 8: a device token may stand in for a missing or wrong shared secret (§4.2).
  if (!secret.ok && deviceTokenCandidate) {
    const gate = ctx.limiter.check(attemptKey(ctx.peer), "device-token");
    if (!gate.allowed) {
      secret = { ok: false, reason: "rate_limited", retryAfterMs: gate.retryAfterMs };
    } else {
      const check = ctx.devices.verifyToken(device.id, role, deviceTokenCandidate, scopes);
      if (check === "ok") {
        secret = { ok: true, method: "device-token" };
        ctx.limiter.reset(attemptKey(ctx.peer), "device-token");
      } else {
        const explicit = Boolean(params.auth?.deviceToken);
        secret = { ok: false, reason: check === "scope-mismatch" ? "scope_mismatch" : explicit ? "device_token_mismatch" : secret.reason };
        await ctx.limiter.recordFailure(attemptKey(ctx.peer), "device-token");
      }
    }
    if (!secret.ok && pendingSharedFailure) await ctx.limiter.recordFailure(attemptKey(ctx.peer), "shared-secret");
  }
  if (!secret.ok) return reject(secret.reason, secret.retryAfterMs);

  // Step 9: pairing (§4.4).
  const admitted = await ctx.devices.admit({
    deviceId: device.id,
    publicKey: publicKeyBase64Url(proof.publicKey),
    role,
    scopes,
    client: params.client,
    method: secret.method,
    silentAllowed: isLocalClient && !hasBrowserOrigin,
    remoteIp: ctx.peer.remoteAddress || undefined,
    now: ctx.now,
  });
  return { params, role, scopes, method: secret.method, isLocalClient, device: admitted };
}

