/**
 * DNS-SD for the gateway (spec §9): the `_openclaw-gw._tcp` advertisement
 * (and `_openclaw._tcp` for the TCP node bridge) as DNS records, which of
 * them answer an mDNS question, and how a browser turns answers back into
 * gateway beacons. Records are plain data in dns-packet's shape; the shim
 * owns the byte codec and the sockets. Runtime-agnostic.
 */

export const GATEWAY_SERVICE = "_openclaw-gw._tcp.local";
export const BRIDGE_SERVICE = "_openclaw._tcp.local";
/** The DNS-SD service enumeration name (RFC 6763 §9). */
export const SERVICES_META = "_services._dns-sd._udp.local";

/** Host records live 120 s, the rest 75 min (RFC 6762 §10). */
const HOST_TTL = 120;
const OTHER_TTL = 4500;

/** One resource record, in the shape dns-packet encodes and decodes. */
export type DnsRecord =
  | { type: "PTR"; name: string; ttl: number; data: string }
  | { type: "SRV"; name: string; ttl: number; flush?: boolean; data: { priority: number; weight: number; port: number; target: string } }
  | { type: "TXT"; name: string; ttl: number; flush?: boolean; data: string[] }
  | { type: "A" | "AAAA"; name: string; ttl: number; flush?: boolean; data: string };

/** A question from a query packet. */
export interface DnsQuestion {
  name: string;
  type: string;
}

/** What the gateway advertises (§9). */
export interface AdvertiseOptions {
  /** OS hostname; `mdnsHostname` (OPENCLAW_MDNS_HOSTNAME) wins when set. */
  hostname: string;
  mdnsHostname?: string;
  gatewayPort: number;
  /** The TCP node bridge's port, when it runs. */
  bridgePort?: number;
  /** `discovery.mdns.mode`: full adds sshPort, cliPath and tailnetDns (§9). */
  mode: "minimal" | "full";
  gatewayTls?: { fingerprintSha256?: string };
  gatewayDirectReachable?: boolean;
  sshPort?: number;
  cliPath?: string;
  tailnetDns?: string;
  /** Addresses for the host's A / AAAA records. */
  addresses: string[];
}

/** One advertised service instance. */
export interface ServiceInstance {
  /** e.g. `_openclaw-gw._tcp.local` */
  service: string;
  /** e.g. `vm (OpenClaw)._openclaw-gw._tcp.local` */
  fqdn: string;
  port: number;
  txt: Record<string, string>;
}

/** The whole advertisement: host, instance name and services. */
export interface Advertisement {
  host: string;
  instanceName: string;
  services: ServiceInstance[];
  addresses: string[];
}

const LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
const MAX_LABEL_BYTES = 63;

/** Cuts to 63 UTF-8 bytes on a character boundary, as DNS labels require. */
function truncateLabel(name: string, fallback: string): string {
  const bytes = new TextEncoder().encode(name);
  if (bytes.length <= MAX_LABEL_BYTES) return name;
  for (let end = MAX_LABEL_BYTES; end > 0; end--) {
    try {
      return new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(0, end)).replace(/-+$/, "").trim() || fallback;
    } catch {
      // Cut inside a multi-byte character: try one byte shorter.
    }
  }
  return fallback;
}

/** The host label: first label of OPENCLAW_MDNS_HOSTNAME or the hostname, else "openclaw" (§9). */
export function hostLabel(hostname: string, mdnsHostname?: string): string {
  const system = hostname.trim().replace(/\.local$/i, "").split(".")[0]?.trim() ?? "";
  const raw = (mdnsHostname?.trim() || (LABEL.test(system) ? system : "") || "openclaw").replace(/\.local$/i, "");
  return truncateLabel(raw.split(".")[0]!.trim() || "openclaw", "openclaw");
}

/** Builds the advertisement: instance `"<host> (OpenClaw)"`, SRV `<host>.local:<port>`, §9 TXT keys. */
export function advertisement(o: AdvertiseOptions): Advertisement {
  const host = hostLabel(o.hostname, o.mdnsHostname);
  const instanceName = truncateLabel(`${host} (OpenClaw)`, "OpenClaw");
  const displayName = instanceName.replace(/\s+\(OpenClaw\)\s*$/i, "").trim() || instanceName;
  const base: Record<string, string> = { role: "gateway", gatewayPort: String(o.gatewayPort), lanHost: `${host}.local`, displayName };
  if (o.gatewayTls) {
    base.gatewayTls = "1";
    if (o.gatewayTls.fingerprintSha256) base.gatewayTlsSha256 = o.gatewayTls.fingerprintSha256;
  }
  if (o.gatewayDirectReachable) base.gatewayDirectReachable = "1";
  if (o.mode === "full" && o.tailnetDns?.trim()) base.tailnetDns = o.tailnetDns.trim();
  if (o.mode === "full" && o.cliPath?.trim()) base.cliPath = o.cliPath.trim();
  const gatewayTxt: Record<string, string> = { ...base, transport: "gateway" };
  if (o.mode === "full") gatewayTxt.sshPort = String(o.sshPort ?? 22);
  const services: ServiceInstance[] = [{ service: GATEWAY_SERVICE, fqdn: `${instanceName}.${GATEWAY_SERVICE}`, port: o.gatewayPort, txt: gatewayTxt }];
  if (o.bridgePort !== undefined) {
    services.push({ service: BRIDGE_SERVICE, fqdn: `${instanceName}.${BRIDGE_SERVICE}`, port: o.bridgePort, txt: { ...base, transport: "bridge", bridgePort: String(o.bridgePort) } });
  }
  return { host: `${host}.local`, instanceName, services, addresses: o.addresses };
}

/** TXT strings `key=value`, in insertion order. */
function txtStrings(txt: Record<string, string>): string[] {
  return Object.entries(txt).map(([k, v]) => `${k}=${v}`);
}

function hostRecords(ad: Advertisement): DnsRecord[] {
  return ad.addresses.map((address) => ({ type: address.includes(":") ? "AAAA" : "A", name: ad.host, ttl: HOST_TTL, flush: true, data: address }) as DnsRecord);
}

function instanceRecords(s: ServiceInstance, host: string): DnsRecord[] {
  return [
    { type: "SRV", name: s.fqdn, ttl: HOST_TTL, flush: true, data: { priority: 0, weight: 0, port: s.port, target: host } },
    { type: "TXT", name: s.fqdn, ttl: OTHER_TTL, flush: true, data: txtStrings(s.txt) },
  ];
}

function ptr(s: ServiceInstance): DnsRecord {
  return { type: "PTR", name: s.service, ttl: OTHER_TTL, data: s.fqdn };
}

/** Every record, for unsolicited announcements. */
export function announcement(ad: Advertisement): DnsRecord[] {
  return [...ad.services.flatMap((s) => [ptr(s), ...instanceRecords(s, ad.host)]), ...hostRecords(ad)];
}

/** The same records with TTL 0: "this service is gone" (RFC 6762 §10.1). */
export function goodbye(ad: Advertisement): DnsRecord[] {
  return announcement(ad).filter((r) => r.type !== "A" && r.type !== "AAAA").map((r) => ({ ...r, ttl: 0 }));
}

const same = (a: string, b: string) => a.replace(/\.$/, "").toLowerCase() === b.toLowerCase();
const wants = (q: DnsQuestion, type: string) => q.type === type || q.type === "ANY";

/**
 * The answers to a query's questions, with the records a resolver needs next
 * as additionals (RFC 6763 §12). Null when nothing here was asked about.
 */
export function answer(ad: Advertisement, questions: readonly DnsQuestion[]): { answers: DnsRecord[]; additionals: DnsRecord[] } | null {
  const answers: DnsRecord[] = [];
  const additionals: DnsRecord[] = [];
  const add = (list: DnsRecord[], records: DnsRecord[]) => {
    for (const r of records) if (!answers.includes(r) && !list.includes(r)) list.push(r);
  };
  for (const q of questions) {
    if (wants(q, "PTR") && same(q.name, SERVICES_META)) {
      add(answers, ad.services.map((s) => ({ type: "PTR", name: SERVICES_META, ttl: OTHER_TTL, data: s.service }) as DnsRecord));
    }
    for (const s of ad.services) {
      if (wants(q, "PTR") && same(q.name, s.service)) {
        add(answers, [ptr(s)]);
        add(additionals, [...instanceRecords(s, ad.host), ...hostRecords(ad)]);
      }
      if (same(q.name, s.fqdn)) {
        const [srv, txt] = instanceRecords(s, ad.host);
        if (wants(q, "SRV")) add(answers, [srv!]);
        if (wants(q, "TXT")) add(answers, [txt!]);
        add(additionals, hostRecords(ad));
      }
    }
    if (same(q.name, ad.host)) add(answers, hostRecords(ad).filter((r) => wants(q, r.type)));
  }
  if (answers.length === 0) return null;
  return { answers, additionals: additionals.filter((r) => !answers.includes(r)) };
}

/** A gateway found by browsing, in the shape `openclaw gateway discover --json` prints (§9). */
export interface Beacon {
  instanceName: string;
  displayName: string;
  domain: string;
  host?: string;
  port?: number;
  lanHost?: string;
  tailnetDns?: string;
  cliPath?: string;
  role?: string;
  transport?: string;
  gatewayPort?: number;
  sshPort?: number;
  gatewayTls?: boolean;
  gatewayTlsFingerprintSha256?: string;
  txt?: Record<string, string>;
}

function port(value: string | undefined): number | undefined {
  if (!value || !/^\d+$/.test(value)) return undefined;
  const n = Number(value);
  return n > 0 && n <= 65535 ? n : undefined;
}

/** `key=value` strings into a map; the first `=` splits, keys without one are dropped. */
export function parseTxt(strings: readonly string[]): Record<string, string> {
  const txt: Record<string, string> = {};
  for (const s of strings) {
    const i = s.indexOf("=");
    if (i <= 0) continue;
    const key = s.slice(0, i).trim();
    if (key) txt[key] = s.slice(i + 1).trim();
  }
  return txt;
}

/**
 * Gateways in a set of response records (answers and additionals of every
 * packet received while browsing). An instance whose PTR arrived with TTL 0
 * said goodbye and is left out.
 */
export function beacons(records: readonly DnsRecord[]): Beacon[] {
  const gone = new Set(records.filter((r) => r.type === "PTR" && r.ttl === 0).map((r) => (r.data as string).toLowerCase()));
  const instances = new Set<string>();
  for (const r of records) if (r.type === "PTR" && same(r.name, GATEWAY_SERVICE) && r.ttl > 0) instances.add(r.data as string);
  const out: Beacon[] = [];
  for (const fqdn of instances) {
    if (gone.has(fqdn.toLowerCase())) continue;
    const instanceName = fqdn.slice(0, fqdn.length - GATEWAY_SERVICE.length - 1);
    const srv = records.find((r) => r.type === "SRV" && same(r.name, fqdn)) as Extract<DnsRecord, { type: "SRV" }> | undefined;
    const txtRecord = records.find((r) => r.type === "TXT" && same(r.name, fqdn)) as Extract<DnsRecord, { type: "TXT" }> | undefined;
    const txt = txtRecord ? parseTxt(txtRecord.data) : {};
    const beacon: Beacon = { instanceName, displayName: txt.displayName || instanceName, domain: "local." };
    if (srv) {
      beacon.host = srv.data.target.replace(/\.$/, "");
      beacon.port = srv.data.port;
    }
    if (Object.keys(txt).length > 0) beacon.txt = txt;
    if (txt.lanHost) beacon.lanHost = txt.lanHost;
    for (const key of ["tailnetDns", "cliPath", "role", "transport"] as const) if (txt[key]) beacon[key] = txt[key];
    beacon.gatewayPort = port(txt.gatewayPort);
    beacon.sshPort = port(txt.sshPort);
    if (txt.gatewayTls) beacon.gatewayTls = ["1", "true", "yes"].includes(txt.gatewayTls.toLowerCase());
    if (txt.gatewayTlsSha256) beacon.gatewayTlsFingerprintSha256 = txt.gatewayTlsSha256;
    out.push(beacon);
  }
  return out;
}

/** The WebSocket URL of a beacon, or null without host and port (upstream's resolveGatewayDiscoveryEndpoint). */
export function beaconUrl(b: Beacon): string | null {
  if (!b.host || !b.port) return null;
  return `${b.gatewayTls ? "wss" : "ws"}://${b.host}:${b.port}`;
}
