/**
 * Address and host classification used by auth, pairing and Origin rules
 * (spec §4.1, §4.4, §4.7). IP literals are parsed as addresses, never matched
 * by string prefix: `127.evil.example` or `fdic.gov` are DNS names, and a DNS
 * name is local only when it is `localhost`. Runtime-agnostic.
 */

/** An IPv4 address as four octets, or an IPv6 address as eight 16-bit groups. */
type ParsedIp = { v: 4; octets: number[] } | { v: 6; groups: number[] };

const V6_GROUP = /^[0-9a-f]{1,4}$/;

/** Dotted-quad IPv4 (no leading zeros), scanned without splitting: every connect's rate-limit key passes here. */
function parseV4(text: string): number[] | null {
  const octets: number[] = [];
  let value = 0;
  let digits = 0;
  for (let i = 0; i <= text.length; i++) {
    const c = i < text.length ? text.charCodeAt(i) : 46;
    if (c === 46) {
      if (digits === 0 || value > 255 || octets.length === 4) return null;
      octets.push(value);
      value = 0;
      digits = 0;
    } else if (c >= 48 && c <= 57) {
      if (digits > 0 && value === 0) return null;
      value = value * 10 + (c - 48);
      if (++digits > 3) return null;
    } else {
      return null;
    }
  }
  return octets.length === 4 ? octets : null;
}

function parseV6Groups(text: string): number[] | null {
  if (text === "") return [];
  const groups: number[] = [];
  const parts = text.split(":");
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    // An embedded IPv4 tail (`::ffff:1.2.3.4`) stands for the last two groups.
    if (i === parts.length - 1 && part.includes(".")) {
      const v4 = parseV4(part);
      if (!v4) return null;
      groups.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!);
    } else {
      if (!V6_GROUP.test(part)) return null;
      groups.push(parseInt(part, 16));
    }
  }
  return groups;
}

function parseV6(text: string): number[] | null {
  const zone = text.indexOf("%");
  const bare = zone === -1 ? text : text.slice(0, zone);
  const gap = bare.indexOf("::");
  if (gap === -1) {
    const groups = parseV6Groups(bare);
    return groups && groups.length === 8 ? groups : null;
  }
  if (bare.indexOf("::", gap + 1) !== -1) return null;
  const head = parseV6Groups(bare.slice(0, gap));
  const tail = parseV6Groups(bare.slice(gap + 2));
  if (!head || !tail || head.length + tail.length > 7) return null;
  return [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
}

/** Parses an IP literal (v4, v6, bracketed, with a zone); null for anything else, DNS names included. */
export function parseIp(text: string): ParsedIp | null {
  let t = text.trim().toLowerCase();
  if (t.startsWith("[") && t.endsWith("]")) t = t.slice(1, -1);
  if (t.includes(":")) {
    // The common IPv4-mapped form, without the general IPv6 parse.
    if (t.startsWith("::ffff:") && t.includes(".")) {
      const v4 = parseV4(t.slice(7));
      return v4 ? { v: 6, groups: [0, 0, 0, 0, 0, 0xffff, (v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!] } : null;
    }
    const groups = parseV6(t);
    return groups ? { v: 6, groups } : null;
  }
  const octets = parseV4(t);
  return octets ? { v: 4, octets } : null;
}

/** The IPv4 address an IPv4-mapped IPv6 address (`::ffff:a.b.c.d`) carries, else the address itself. */
function unmap(ip: ParsedIp): ParsedIp {
  if (ip.v === 4) return ip;
  const g = ip.groups;
  if (g[0] === 0 && g[1] === 0 && g[2] === 0 && g[3] === 0 && g[4] === 0 && g[5] === 0xffff) {
    return { v: 4, octets: [g[6]! >> 8, g[6]! & 0xff, g[7]! >> 8, g[7]! & 0xff] };
  }
  return ip;
}

function loopback(ip: ParsedIp): boolean {
  if (ip.v === 4) return ip.octets[0] === 127;
  return ip.groups.every((g, i) => g === (i === 7 ? 1 : 0));
}

function privateRange(ip: ParsedIp): boolean {
  if (ip.v === 4) {
    const [a, b] = ip.octets as [number, number];
    return a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 169 && b === 254) || inTailnetRange(a, b);
  }
  const first = ip.groups[0]!;
  // fc00::/7 unique local, fe80::/10 link-local.
  return (first & 0xfe00) === 0xfc00 || (first & 0xffc0) === 0xfe80;
}

/** Canonical text for rate-limit keys: mapped IPv4 as plain IPv4, brackets dropped, lower case. */
export function normalizeIp(text: string): string {
  const ip = parseIp(text);
  if (!ip) return text.trim().toLowerCase();
  const plain = unmap(ip);
  if (plain.v === 4) return plain.octets.join(".");
  return plain.groups.map((g) => g.toString(16)).join(":");
}

/** 127.0.0.0/8 and ::1, also IPv4-mapped; false for anything that is not an IP literal. */
export function isLoopbackIp(text: string): boolean {
  const ip = parseIp(text);
  return ip !== null && loopback(unmap(ip));
}

/** RFC 1918, link-local, CGNAT (Tailscale) and IPv6 ULA/link-local, plus loopback; IP literals only. */
export function isPrivateOrLoopbackIp(text: string): boolean {
  const ip = parseIp(text);
  if (!ip) return false;
  const plain = unmap(ip);
  return loopback(plain) || privateRange(plain);
}

/** Host part of a `Host` header or URL authority, without port or brackets. */
export function hostName(hostHeader: string | undefined): string {
  if (!hostHeader) return "";
  const h = hostHeader.trim().toLowerCase();
  if (h.startsWith("[")) return h.slice(1, h.indexOf("]") === -1 ? undefined : h.indexOf("]"));
  const colon = h.lastIndexOf(":");
  return colon !== -1 && h.indexOf(":") === colon ? h.slice(0, colon) : h;
}

/** `localhost` and loopback addresses. */
export function isLoopbackHost(host: string): boolean {
  return host.trim().toLowerCase() === "localhost" || isLoopbackIp(host);
}

/** Hosts of the owner's own machine or network: `localhost`, loopback and private IP literals. */
export function isLocalNetworkHost(host: string): boolean {
  return isLoopbackHost(host) || isPrivateOrLoopbackIp(host);
}

/** Tailscale's CGNAT range, 100.64.0.0/10, by an IPv4 address's first two octets. */
function inTailnetRange(a: number, b: number): boolean {
  return a === 100 && b >= 64 && b <= 127;
}

/** An IPv4 address in Tailscale's range (100.64.0.0/10), the address `gateway.bind: "tailnet"` listens on. */
export function isTailnetIp(text: string): boolean {
  const ip = parseIp(text);
  if (!ip) return false;
  const plain = unmap(ip);
  return plain.v === 4 && inTailnetRange(plain.octets[0]!, plain.octets[1]!);
}
