/**
 * Address and host classification used by auth, pairing and Origin rules
 * (spec §4.1, §4.4, §4.7). Runtime-agnostic.
 */

/** Strips an IPv4-mapped IPv6 prefix and brackets. */
export function normalizeIp(ip: string): string {
  let out = ip.trim().toLowerCase();
  if (out.startsWith("[") && out.endsWith("]")) out = out.slice(1, -1);
  if (out.startsWith("::ffff:") && out.includes(".")) out = out.slice(7);
  return out;
}

/** 127.0.0.0/8 and ::1. */
export function isLoopbackIp(ip: string): boolean {
  const v = normalizeIp(ip);
  return v === "::1" || v.startsWith("127.");
}

/** RFC 1918, link-local, CGNAT (Tailscale) and IPv6 ULA/link-local, plus loopback. */
export function isPrivateOrLoopbackIp(ip: string): boolean {
  const v = normalizeIp(ip);
  if (isLoopbackIp(v)) return true;
  const m = /^(\d+)\.(\d+)\.\d+\.\d+$/.exec(v);
  if (m) {
    const a = Number(m[1]);
    const b = Number(m[2]);
    return a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 169 && b === 254) || (a === 100 && b >= 64 && b <= 127);
  }
  return v.startsWith("fc") || v.startsWith("fd") || v.startsWith("fe80:");
}

/** Host part of a `Host` header or URL authority, without port or brackets. */
export function hostName(hostHeader: string | undefined): string {
  if (!hostHeader) return "";
  const h = hostHeader.trim().toLowerCase();
  if (h.startsWith("[")) return h.slice(1, h.indexOf("]") === -1 ? undefined : h.indexOf("]"));
  const colon = h.lastIndexOf(":");
  return colon !== -1 && h.indexOf(":") === colon ? h.slice(0, colon) : h;
}

/** localhost names and loopback addresses. */
export function isLoopbackHost(host: string): boolean {
  return host === "localhost" || host.endsWith(".localhost") || isLoopbackIp(host);
}

/** Hosts a browser on the owner's own network would use: loopback, private IPs, mDNS and tailnet names. */
export function isLocalNetworkHost(host: string): boolean {
  return isLoopbackHost(host) || isPrivateOrLoopbackIp(host) || host.endsWith(".local") || host.endsWith(".ts.net");
}
