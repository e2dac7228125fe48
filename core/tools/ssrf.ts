/**
 * The private-network guard for outbound requests a model asks for
 * (web_fetch), as upstream's `ssrfPolicy` describes it: a target is refused
 * when its name is internal (localhost, .local, .internal) or when any
 * address it is, or resolves to, is loopback, private, link-local, CGNAT,
 * multicast or reserved, IPv4 or IPv6 (mapped and NAT64 forms included).
 * `allowedHostnames` lets exact names through, `dangerouslyAllowPrivateNetwork`
 * everything, and `blockedHostnames` refuses names before any of that.
 * Every redirect hop is checked again, and a name's approved addresses are
 * what the request then connects to (PinnedFetch). Runtime-agnostic.
 */
import type { HostResolver } from "../runtime.ts";
import { ToolError } from "./tool.ts";

/** `tools.web.fetch.ssrfPolicy`. */
export interface SsrfPolicy {
  dangerouslyAllowPrivateNetwork?: boolean;
  allowedHostnames?: string[];
  blockedHostnames?: string[];
}

/** IPv4 ranges no model-chosen request may reach: [network, prefix length]. */
const BLOCKED_V4: readonly [string, number][] = [
  ["0.0.0.0", 8], ["10.0.0.0", 8], ["100.64.0.0", 10], ["127.0.0.0", 8], ["169.254.0.0", 16], ["172.16.0.0", 12],
  ["192.0.0.0", 24], ["192.0.2.0", 24], ["192.168.0.0", 16], ["198.18.0.0", 15], ["198.51.100.0", 24], ["203.0.113.0", 24],
  ["224.0.0.0", 4], ["240.0.0.0", 4],
];

function v4ToInt(ip: string): number | undefined {
  const parts = ip.split(".");
  if (parts.length !== 4) return undefined;
  let n = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return undefined;
    n = n * 256 + Number(p);
  }
  return n;
}

const V4_RANGES = BLOCKED_V4.map(([net, bits]) => ({ net: v4ToInt(net)!, mask: bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0 }));

function blockedV4(n: number): boolean {
  return V4_RANGES.some((r) => ((n & r.mask) >>> 0) === r.net);
}

/** An IPv6 address as 8 groups, or undefined when it is not one. */
function v6Groups(ip: string): number[] | undefined {
  let text = ip.toLowerCase();
  if (text.startsWith("[") && text.endsWith("]")) text = text.slice(1, -1);
  const zone = text.indexOf("%");
  if (zone >= 0) text = text.slice(0, zone);
  if (!text.includes(":")) return undefined;
  // A trailing dotted quad stands for the last two groups.
  const lastColon = text.lastIndexOf(":");
  const tail = text.slice(lastColon + 1);
  if (tail.includes(".")) {
    const n = v4ToInt(tail);
    if (n === undefined) return undefined;
    text = `${text.slice(0, lastColon + 1)}${(n >>> 16).toString(16)}:${(n & 0xffff).toString(16)}`;
  }
  const halves = text.split("::");
  if (halves.length > 2) return undefined;
  const parse = (s: string) => (s === "" ? [] : s.split(":").map((g) => (/^[0-9a-f]{1,4}$/.test(g) ? parseInt(g, 16) : NaN)));
  const head = parse(halves[0]!);
  const rest = halves.length === 2 ? parse(halves[1]!) : [];
  const fill = halves.length === 2 ? 8 - head.length - rest.length : 0;
  const groups = [...head, ...new Array(Math.max(0, fill)).fill(0), ...rest];
  return groups.length === 8 && groups.every((g) => Number.isInteger(g)) ? groups : undefined;
}

function blockedV6(g: number[]): boolean {
  const embeddedV4 = ((g[6]! << 16) | g[7]!) >>> 0;
  if (g.every((x) => x === 0)) return true; // ::
  if (g.slice(0, 7).every((x) => x === 0) && g[7] === 1) return true; // ::1
  if (g.slice(0, 5).every((x) => x === 0) && (g[5] === 0xffff || g[5] === 0)) return blockedV4(embeddedV4); // ::ffff:a.b.c.d, ::a.b.c.d
  if (g[0] === 0x64 && g[1] === 0xff9b) return blockedV4(embeddedV4); // NAT64
  if (g[0] === 0x2002) return blockedV4(((g[1]! << 16) | g[2]!) >>> 0); // 6to4
  if ((g[0]! & 0xfe00) === 0xfc00) return true; // unique local fc00::/7
  if ((g[0]! & 0xffc0) === 0xfe80) return true; // link-local fe80::/10
  if ((g[0]! & 0xffc0) === 0xfec0) return true; // site-local fec0::/10
  if ((g[0]! & 0xff00) === 0xff00) return true; // multicast
  if (g[0] === 0x2001 && g[1] === 0x0db8) return true; // documentation
  return false;
}

/** Whether `address` (an IPv4 or IPv6 literal) is private, internal or reserved; undefined when it is no IP literal. */
export function isPrivateAddress(address: string): boolean | undefined {
  const v4 = v4ToInt(address);
  if (v4 !== undefined) return blockedV4(v4);
  const v6 = v6Groups(address);
  return v6 ? blockedV6(v6) : undefined;
}

/** Names that only mean something inside a host or a LAN. */
function internalName(host: string): boolean {
  return host === "localhost" || host.endsWith(".localhost") || host.endsWith(".local") || host.endsWith(".internal") || host.endsWith(".lan") || host.endsWith(".home.arpa") || !host.includes(".");
}

function normalizeHost(host: string): string {
  return host.toLowerCase().replace(/^\[|\]$/g, "").replace(/\.$/, "");
}

function blockedByName(host: string, blocked: readonly string[]): boolean {
  return blocked.some((raw) => {
    const entry = normalizeHost(raw.trim());
    if (entry.startsWith("*.")) return host.endsWith(entry.slice(1));
    return host === entry;
  });
}

/**
 * Refuses `url` (throws a `forbidden` ToolError) unless policy lets it
 * through; the error says which rule refused it and how to allow it. When the
 * host is a name that was resolved and checked, resolves with the approved
 * addresses (IPv4 first, as upstream's pinned lookup orders them), which the
 * connection must use; otherwise (an address literal, or a host the policy
 * lets through unchecked) with undefined.
 */
export async function checkTarget(url: URL, policy: SsrfPolicy | undefined, resolve: HostResolver | undefined): Promise<string[] | undefined> {
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new ToolError(`Blocked: only http and https URLs can be fetched (got ${url.protocol}).`, "input");
  const host = normalizeHost(url.hostname);
  if (blockedByName(host, policy?.blockedHostnames ?? [])) throw new ToolError(`Blocked: ${host} is in tools.web.fetch.ssrfPolicy.blockedHostnames.`, "forbidden");
  if (policy?.dangerouslyAllowPrivateNetwork) return undefined;
  if ((policy?.allowedHostnames ?? []).some((h) => normalizeHost(h.trim()) === host)) return undefined;
  const hint = "Private and internal addresses are blocked; allow this host with tools.web.fetch.ssrfPolicy.allowedHostnames.";
  const literal = isPrivateAddress(host);
  if (literal === true) throw new ToolError(`Blocked: ${host} is a private or internal address. ${hint}`, "forbidden");
  if (literal === false) return undefined;
  if (internalName(host)) throw new ToolError(`Blocked: ${host} is an internal hostname. ${hint}`, "forbidden");
  if (!resolve) throw new ToolError(`Blocked: ${host} cannot be checked (no DNS resolver on this gateway). ${hint}`, "forbidden");
  let addresses: string[];
  try {
    addresses = await resolve(host);
  } catch (error) {
    throw new ToolError(`Could not resolve ${host}: ${error instanceof Error ? error.message : String(error)}`, "failed");
  }
  if (addresses.length === 0) throw new ToolError(`Could not resolve ${host}.`, "failed");
  const inside = addresses.find((a) => isPrivateAddress(a) !== false);
  if (inside) throw new ToolError(`Blocked: ${host} resolves to a private or internal address (${inside}). ${hint}`, "forbidden");
  const unique = [...new Set(addresses)];
  return [...unique.filter((a) => !a.includes(":")), ...unique.filter((a) => a.includes(":"))];
}
