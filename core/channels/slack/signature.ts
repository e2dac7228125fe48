/**
 * Slack's request signing for HTTP Events mode: `X-Slack-Signature` is `v0=` + hex HMAC-SHA256 of
 * `v0:<X-Slack-Request-Timestamp>:<raw body>` keyed by the app's signing secret. A request older than five minutes
 * is refused as a replay, as Slack's guide says. Web Crypto only. Runtime-agnostic.
 */

/** Slack's replay window. */
export const MAX_SKEW_SECONDS = 300;

const encoder = new TextEncoder();

/** Why a request is not Slack's, or undefined when its signature verifies. */
export async function slackSignatureProblem(secret: string, timestamp: string | null, signature: string | null, body: string, nowSeconds: number): Promise<string | undefined> {
  if (!timestamp || !signature) return "missing X-Slack-Signature or X-Slack-Request-Timestamp";
  const ts = Number(timestamp);
  if (!Number.isInteger(ts)) return "malformed X-Slack-Request-Timestamp";
  if (Math.abs(nowSeconds - ts) > MAX_SKEW_SECONDS) return "stale X-Slack-Request-Timestamp";
  const m = /^v0=([0-9a-f]{64})$/.exec(signature);
  if (!m) return "malformed X-Slack-Signature";
  const key = await crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["verify"]);
  const given = new Uint8Array(32);
  for (let i = 0; i < 32; i++) given[i] = parseInt(m[1]!.slice(i * 2, i * 2 + 2), 16);
  // subtle.verify compares in constant time.
  const ok = await crypto.subtle.verify("HMAC", key, given, encoder.encode(`v0:${timestamp}:${body}`));
  return ok ? undefined : "signature mismatch";
}
