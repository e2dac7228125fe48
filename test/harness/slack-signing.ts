/**
 * HTTP Events API requests signed as Slack signs them (`X-Slack-Signature: v0=HMAC-SHA256(secret,
 * "v0:<ts>:<body>")`), on node:crypto: a signer independent of core's WebCrypto verifier.
 */
import { createHmac } from "node:crypto";

/** Signs an Events API request body as Slack does; `timestamp` in seconds. */
export function slackSignature(secret: string, timestamp: number, body: string): string {
  return `v0=${createHmac("sha256", secret).update(`v0:${timestamp}:${body}`).digest("hex")}`;
}

/** A POST of `body` to `url` with Slack's signature headers (wrong secret or stale timestamp if asked). */
export function signedEvent(url: string, secret: string, body: string, timestamp = Math.floor(Date.now() / 1000)): Promise<Response> {
  return fetch(url, {
    method: "POST",
    headers: {
      "Content-Type": "application/json",
      "X-Slack-Request-Timestamp": String(timestamp),
      "X-Slack-Signature": slackSignature(secret, timestamp, body),
    },
    body,
  });
}
