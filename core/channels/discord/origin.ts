/**
 * Where Discord is: the public service, or the versioned REST base `DISCORD_API_URL` names (upstream's override,
 * e.g. `https://discord.example.com/api/v10`). With an override, REST and the Gateway WebSocket both stay on its
 * origin (requests never fall back to public Discord), and plain http/ws is accepted only on loopback.
 * Runtime-agnostic.
 */

/** REST base without the version segment, the API version, and the origin every Gateway URL is pinned to. */
export interface DiscordOrigin {
  /** `@discordjs/rest`'s `api` option (`https://discord.com/api`). */
  api: string;
  version: string;
  /** ws(s) origin Gateway URLs are rewritten onto; undefined for public Discord (its URLs are used as given). */
  gatewayOrigin?: string;
}

export const PUBLIC_DISCORD: DiscordOrigin = { api: "https://discord.com/api", version: "10" };

const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);

/** Reads a `DISCORD_API_URL` value; throws with the reason when it is not a usable override. */
export function discordOrigin(override: string | undefined): DiscordOrigin {
  if (!override?.trim()) return PUBLIC_DISCORD;
  let url: URL;
  try {
    url = new URL(override.trim());
  } catch {
    throw new Error(`DISCORD_API_URL is not a URL: ${override}`);
  }
  const loopback = LOOPBACK_HOSTS.has(url.hostname) || /^127\./.test(url.hostname);
  if (url.protocol !== "https:" && !(url.protocol === "http:" && loopback)) {
    throw new Error(`DISCORD_API_URL must use https (plain http only on loopback): ${url.origin}`);
  }
  const m = /^(.*)\/v(\d+)\/?$/.exec(url.pathname);
  if (!m) throw new Error(`DISCORD_API_URL must be a versioned REST base such as https://discord.example.com/api/v10: ${url.href}`);
  return {
    api: `${url.origin}${m[1]}`,
    version: m[2]!,
    gatewayOrigin: `${url.protocol === "https:" ? "wss:" : "ws:"}//${url.host}`,
  };
}

/** A Gateway URL (from `/gateway/bot` or READY's `resume_gateway_url`) moved onto the override's origin. */
export function pinGatewayUrl(url: string, origin: DiscordOrigin): string {
  if (!origin.gatewayOrigin) return url;
  const given = new URL(url);
  return `${origin.gatewayOrigin}${given.pathname === "/" ? "" : given.pathname}${given.search}`;
}
