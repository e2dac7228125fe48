/**
 * mDNS / DNS-SD for the Bun runtime (spec §9): a multicast UDP responder
 * that advertises the gateway and answers queries, goodbye packets on
 * shutdown, a browser for `gateway discover`, and the wide-area zone file.
 * Records come from core/discovery; this file owns the sockets and the
 * dns-packet byte codec (it needs Node's Buffer, so it stays out of core).
 * Loaded only when discovery is on (see discovery.ts), so a gateway with
 * mDNS off never pays for UDP sockets and the codec.
 */
import dgram from "node:dgram";
import { networkInterfaces } from "node:os";
import { setTimeout as sleep } from "node:timers/promises";
import dnsPacket, { type Answer, type DecodedPacket } from "dns-packet";
import {
  announcement, answer, beacons, goodbye, GATEWAY_SERVICE,
  type Advertisement, type Beacon, type DnsQuestion, type DnsRecord,
} from "../../core/discovery/records.ts";
import type { Logger } from "../../core/runtime.ts";

export const MDNS_GROUP = "224.0.0.251";
export const MDNS_PORT = 5353;
/** Unicast replies to legacy (non-5353) queriers carry at most this TTL (RFC 6762 §6.7). */
const LEGACY_UNICAST_TTL = 10;

/** Where the sockets work. */
export interface MdnsNetwork {
  /** UDP port of the multicast group; 5353 except in tests. */
  port: number;
  /** IPv4 addresses of the interfaces to join the group on and send from. */
  interfaces: string[];
}

/**
 * The network from the environment: `CLAWGATE_MDNS_INTERFACE` (a comma list
 * of IPv4 addresses; clawgate's own knob, e.g. 127.0.0.1 to stay on loopback)
 * or every IPv4 interface the host has.
 */
export function mdnsNetwork(env: Record<string, string | undefined>): MdnsNetwork {
  const chosen = env.CLAWGATE_MDNS_INTERFACE?.split(",").map((s) => s.trim()).filter(Boolean);
  if (chosen?.length) return { port: MDNS_PORT, interfaces: chosen };
  const all = Object.values(networkInterfaces()).flatMap((addrs) => (addrs ?? []).filter((a) => a.family === "IPv4").map((a) => a.address));
  return { port: MDNS_PORT, interfaces: all };
}

/** dns-packet's decoded records as core's plain records (TXT buffers become strings). */
function toRecords(answers: readonly Answer[] | undefined): DnsRecord[] {
  const out: DnsRecord[] = [];
  for (const a of answers ?? []) {
    if (a.type === "TXT") {
      const data = (Array.isArray(a.data) ? a.data : [a.data]).map((d) => (typeof d === "string" ? d : new TextDecoder().decode(d)));
      out.push({ type: "TXT", name: a.name, ttl: a.ttl ?? 0, data });
    } else if (a.type === "PTR" || a.type === "A" || a.type === "AAAA") {
      out.push({ type: a.type, name: a.name, ttl: a.ttl ?? 0, data: String(a.data) } as DnsRecord);
    } else if (a.type === "SRV") {
      const d = a.data;
      out.push({ type: "SRV", name: a.name, ttl: a.ttl ?? 0, data: { priority: d.priority ?? 0, weight: d.weight ?? 0, port: d.port, target: d.target } });
    }
  }
  return out;
}

/** Encodes a response packet. */
export function encodeResponse(answers: DnsRecord[], additionals: DnsRecord[] = [], id = 0, questions: DnsQuestion[] = []): Buffer {
  return dnsPacket.encode({
    type: "response",
    id,
    flags: dnsPacket.AUTHORITATIVE_ANSWER,
    questions: questions.map((q) => ({ name: q.name, type: q.type as "PTR" })),
    answers: answers as Answer[],
    additionals: additionals as Answer[],
  });
}

/** Encodes a query packet for `name`/`type`. */
export function encodeQuery(name: string, type: "PTR" | "SRV" | "TXT" | "A", id = 0): Buffer {
  return dnsPacket.encode({ type: "query", id, questions: [{ name, type }] });
}

/** Every record of a response packet's answer and additional sections. */
export function decodeRecords(packet: DecodedPacket): DnsRecord[] {
  return [...toRecords(packet.answers), ...toRecords(packet.additionals)];
}

function decode(msg: Buffer): DecodedPacket | null {
  try {
    return dnsPacket.decode(msg);
  } catch {
    return null;
  }
}

async function openSocket(port: number, interfaces: string[], join: boolean): Promise<dgram.Socket> {
  const socket = dgram.createSocket({ type: "udp4", reuseAddr: true });
  await new Promise<void>((resolve, reject) => {
    socket.once("error", reject);
    socket.bind(port, "0.0.0.0", () => {
      socket.off("error", reject);
      resolve();
    });
  });
  socket.setMulticastTTL(255);
  socket.setMulticastLoopback(true);
  if (join) for (const iface of interfaces) socket.addMembership(MDNS_GROUP, iface);
  return socket;
}

function sendTo(socket: dgram.Socket, bytes: Buffer, port: number, address: string): Promise<void> {
  return new Promise((resolve) => socket.send(bytes, port, address, () => resolve()));
}

/** Sends to the group once per interface. */
async function multicast(socket: dgram.Socket, net: MdnsNetwork, bytes: Buffer): Promise<void> {
  for (const iface of net.interfaces) {
    socket.setMulticastInterface(iface);
    await sendTo(socket, bytes, net.port, MDNS_GROUP);
  }
}

/** Advertises one Advertisement on the group and answers queries for it. */
export class MdnsResponder {
  private timer?: ReturnType<typeof setTimeout>;
  private stopped = false;

  private constructor(private readonly socket: dgram.Socket, private readonly net: MdnsNetwork, readonly ad: Advertisement, logger?: Logger) {
    socket.on("message", (msg, rinfo) => void this.onQuery(msg, rinfo));
    socket.on("error", (error) => logger?.warn("discovery", "mdns socket error", { error: String(error) }));
  }

  /** Joins the group, announces twice a second apart (RFC 6762 §8.3), then answers. */
  static async start(ad: Advertisement, net: MdnsNetwork, logger?: Logger): Promise<MdnsResponder> {
    const responder = new MdnsResponder(await openSocket(net.port, net.interfaces, true), net, ad, logger);
    await responder.announce();
    responder.timer = setTimeout(() => void responder.announce(), 1_000);
    return responder;
  }

  private announce(): Promise<void> {
    return multicast(this.socket, this.net, encodeResponse(announcement(this.ad)));
  }

  private async onQuery(msg: Buffer, rinfo: dgram.RemoteInfo): Promise<void> {
    if (this.stopped) return;
    const packet = decode(msg);
    if (!packet || packet.type !== "query" || !packet.questions?.length) return;
    const questions = packet.questions.map((q) => ({ name: q.name, type: q.type }));
    const reply = answer(this.ad, questions);
    if (!reply) return;
    if (rinfo.port !== this.net.port) {
      // A legacy querier (not on the mDNS port) gets a unicast reply echoing its id and questions.
      const cap = (r: DnsRecord) => ({ ...r, ttl: Math.min(r.ttl, LEGACY_UNICAST_TTL) });
      await sendTo(this.socket, encodeResponse(reply.answers.map(cap), reply.additionals.map(cap), packet.id, questions), rinfo.port, rinfo.address);
      return;
    }
    await multicast(this.socket, this.net, encodeResponse(reply.answers, reply.additionals));
  }

  /** Sends goodbye packets (TTL 0) and leaves the group. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearTimeout(this.timer);
    await multicast(this.socket, this.net, encodeResponse(goodbye(this.ad))).catch(() => {});
    this.socket.close();
  }
}

/**
 * Browses for gateways: asks the group for `_openclaw-gw._tcp.local` from an
 * ephemeral port (so responders answer by unicast), asks again halfway, and
 * collects answers until `timeoutMs`.
 */
export async function browse(net: MdnsNetwork, timeoutMs: number): Promise<Beacon[]> {
  const socket = await openSocket(0, net.interfaces, false);
  const records: DnsRecord[] = [];
  socket.on("message", (msg) => {
    const packet = decode(msg);
    if (packet?.type === "response") records.push(...decodeRecords(packet));
  });
  try {
    const query = encodeQuery(GATEWAY_SERVICE, "PTR", Math.floor(Math.random() * 0xffff) + 1);
    await multicast(socket, net, query);
    await sleep(timeoutMs / 2);
    await multicast(socket, net, query);
    await sleep(timeoutMs / 2);
  } finally {
    socket.close();
  }
  const seen = new Set<string>();
  return beacons(records).filter((b) => {
    const key = [b.domain, b.instanceName, b.displayName, b.host, b.port, b.gatewayPort].join("|");
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
