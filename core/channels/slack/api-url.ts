/**
 * Where the Slack Web API is: `https://slack.com/api/`, or `SLACK_API_URL` (upstream's override, which also moves
 * `apps.connections.open` and so the Socket Mode link). Plain http is accepted only on loopback. Runtime-agnostic.
 */

export const PUBLIC_SLACK_API = "https://slack.com/api/";

/** The `slackApiUrl` for the official clients; throws with the reason for an unusable override. */
export function slackApiUrl(override: string | undefined): string {
  if (!override?.trim()) return PUBLIC_SLACK_API;
  let url: URL;
  try {
    url = new URL(override.trim());
  } catch {
    throw new Error(`SLACK_API_URL is not a URL: ${override}`);
  }
  const loopback = url.hostname === "localhost" || url.hostname === "[::1]" || /^127\./.test(url.hostname);
  if (url.protocol !== "https:" && !(url.protocol === "http:" && loopback)) throw new Error(`SLACK_API_URL must use https (plain http only on loopback): ${url.origin}`);
  return url.href.endsWith("/") ? url.href : `${url.href}/`;
}
