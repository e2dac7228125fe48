/**
 * Credential checks on the HTTP surface (spec §4.5, §10): the `Authorization:
 * Bearer` secret of `/v1` (and of the hooks and `/tools/invoke` endpoints to
 * come) goes through the gateway's one auth limiter, keyed by the peer's
 * address, and a locked-out peer gets upstream's 429 + `Retry-After`.
 * Runtime-agnostic.
 */
import { attemptKey, type AuthRateLimiter, type CredentialKind } from "../auth/rate-limit.ts";
import { safeEqualSecret, type ResolvedAuth } from "../auth/secrets.ts";
import type { PeerInfo } from "../runtime.ts";

/** What the shim hands the hono app with every request (`app.fetch(req, { peer })`). */
export interface HttpBindings {
  peer: PeerInfo;
}

const JSON_HEADERS = { "Content-Type": "application/json; charset=utf-8" };

/** Upstream's 401 for a missing or wrong credential. */
export function unauthorizedResponse(): Response {
  return new Response(JSON.stringify({ error: { message: "Unauthorized", type: "unauthorized" } }), { status: 401, headers: JSON_HEADERS });
}

/** Upstream's 429 for a locked-out peer, `Retry-After` in whole seconds. */
export function rateLimitedResponse(retryAfterMs: number): Response {
  const body = JSON.stringify({ error: { message: "Too many failed authentication attempts. Please try again later.", type: "rate_limited" } });
  return new Response(body, { status: 429, headers: { ...JSON_HEADERS, "Retry-After": String(Math.max(1, Math.ceil(retryAfterMs / 1000))) } });
}

/** The token of an `Authorization: Bearer <token>` header, if any. */
export function bearerToken(header: string | undefined | null): string | undefined {
  return /^Bearer\s+(.+)$/i.exec(header ?? "")?.[1]?.trim() || undefined;
}

/**
 * Checks a presented secret against the expected one under the limiter:
 * undefined when it matches, else the response to send (401, or 429 while the
 * peer is locked out). No expected secret refuses everything.
 */
export async function checkHttpSecret(
  limiter: AuthRateLimiter,
  peer: PeerInfo,
  provided: string | undefined,
  expected: string | undefined,
  kind: CredentialKind = "shared-secret",
): Promise<Response | undefined> {
  if (!expected || !provided) return unauthorizedResponse();
  const outcome = await limiter.attempt(attemptKey(peer), kind, () => safeEqualSecret(provided, expected));
  if (outcome.ok) return undefined;
  return outcome.retryAfterMs === undefined ? unauthorizedResponse() : rateLimitedResponse(outcome.retryAfterMs);
}

/** `Authorization: Bearer` with the gateway's shared secret (token or password mode; `none` admits all) (§10). */
export function checkGatewayBearer(limiter: AuthRateLimiter, auth: ResolvedAuth, peer: PeerInfo, header: string | undefined | null): Promise<Response | undefined> {
  if (auth.mode === "none") return Promise.resolve(undefined);
  const expected = auth.mode === "token" ? auth.token : auth.mode === "password" ? auth.password : undefined;
  return checkHttpSecret(limiter, peer, bearerToken(header), expected);
}
