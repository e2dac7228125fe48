/**
 * Wide-area DNS-SD (spec §9): with `discovery.wideArea.domain` set, the
 * gateway publishes itself in a CoreDNS zone file, `<stateDir>/dns/<domain>.db`,
 * reachable over the tailnet. Rendering and serial rules only; the shim
 * writes the file. Runtime-agnostic.
 */

const LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

/** `example.ts.net` -> `example.ts.net.`; null when unset; throws on an invalid name. */
export function normalizeDomain(raw: string | undefined): string | null {
  const trimmed = raw?.trim();
  if (!trimmed) return null;
  const bare = trimmed.endsWith(".") ? trimmed.slice(0, -1) : trimmed;
  const labels = bare.split(".");
  if (!bare || bare.length > 253 || labels.some((l) => !LABEL.test(l))) throw new Error("wide-area discovery domain must be a valid DNS name");
  return `${labels.join(".")}.`;
}

/** The zone file's name for a domain: `<domain without trailing dot>.db`. */
export function zoneFileName(domain: string): string {
  return `${domain.replace(/\.$/, "")}.db`;
}

/** Lower-case, `[a-z0-9-]` only, at most 63 characters. */
function dnsLabel(raw: string, fallback: string): string {
  const label = raw.toLowerCase().replace(/[^a-z0-9-]+/g, "-").replace(/^-+|-+$/g, "");
  return (label || fallback).slice(0, 63);
}

function quote(value: string): string {
  return `"${value.replaceAll("\\", "\\\\").replaceAll('"', '\\"').replaceAll("\n", "\\n")}"`;
}

/** What the zone publishes. */
export interface ZoneOptions {
  domain: string;
  hostname: string;
  gatewayPort: number;
  tailnetIPv4: string;
  tailnetIPv6?: string;
  gatewayTls?: { fingerprintSha256?: string };
  gatewayDirectReachable?: boolean;
  tailnetDns?: string;
  sshPort?: number;
  cliPath?: string;
}

/** The records, without the SOA serial (which is what decides whether the zone changed). */
function records(o: ZoneOptions): string[] {
  const host = o.hostname.split(".")[0] || "openclaw";
  const hostLabel = dnsLabel(host, "openclaw");
  const instance = dnsLabel(`${host}-gateway`, "openclaw-gw");
  const txt = [`displayName=${host} (OpenClaw)`, "role=gateway", "transport=gateway", `gatewayPort=${o.gatewayPort}`];
  if (o.gatewayTls) {
    txt.push("gatewayTls=1");
    if (o.gatewayTls.fingerprintSha256) txt.push(`gatewayTlsSha256=${o.gatewayTls.fingerprintSha256}`);
  }
  if (o.gatewayDirectReachable) txt.push("gatewayDirectReachable=1");
  if (o.tailnetDns?.trim()) txt.push(`tailnetDns=${o.tailnetDns.trim()}`);
  if (o.sshPort && o.sshPort > 0) txt.push(`sshPort=${o.sshPort}`);
  if (o.cliPath?.trim()) txt.push(`cliPath=${o.cliPath.trim()}`);
  return [
    `$ORIGIN ${o.domain}`,
    "$TTL 60",
    "@ IN SOA ns1 hostmaster SERIAL 7200 3600 1209600 60",
    "@ IN NS ns1",
    `ns1 IN A ${o.tailnetIPv4}`,
    `${hostLabel} IN A ${o.tailnetIPv4}`,
    ...(o.tailnetIPv6 ? [`${hostLabel} IN AAAA ${o.tailnetIPv6}`] : []),
    `_openclaw-gw._tcp IN PTR ${instance}._openclaw-gw._tcp`,
    `${instance}._openclaw-gw._tcp IN SRV 0 0 ${o.gatewayPort} ${hostLabel}`,
    `${instance}._openclaw-gw._tcp IN TXT ${txt.map(quote).join(" ")}`,
  ];
}

/** FNV-1a over the records: a cheap content fingerprint kept in the file's first line. */
function contentHash(body: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < body.length; i++) h = Math.imul(h ^ body.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(16).padStart(8, "0");
}

function dateSerial(now: Date): number {
  const ymd = `${now.getUTCFullYear()}${String(now.getUTCMonth() + 1).padStart(2, "0")}${String(now.getUTCDate()).padStart(2, "0")}`;
  return Number(`${ymd}01`);
}

/**
 * The zone text to write, or null when `existing` already publishes the same
 * records. The SOA serial is today's `YYYYMMDD01`, or one more than the
 * existing serial when that is not older, so secondaries always see it rise.
 */
export function renderZone(o: ZoneOptions, existing: string | null, now: Date): string | null {
  const lines = records(o);
  const hash = contentHash(lines.join("\n") + "\n");
  if (existing?.match(/^; openclaw-content-hash: (\S+)$/m)?.[1] === hash) return null;
  const old = Number(existing?.match(/^@ IN SOA \S+ \S+ (\d+) /m)?.[1] ?? NaN);
  const today = dateSerial(now);
  const serial = Number.isFinite(old) && old >= today ? (old + 1) >>> 0 : today;
  return `; openclaw-content-hash: ${hash}\n${lines.map((l) => l.replace(" SERIAL ", ` ${serial} `)).join("\n")}\n`;
}
