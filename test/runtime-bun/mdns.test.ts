/**
 * mDNS / DNS-SD over real UDP sockets (spec §9): a real query packet gets
 * PTR, SRV and TXT answers with the §9 keys; browsing finds the gateway;
 * shutdown sends goodbyes; `clawgate gateway discover --json` finds a running
 * clawgate. Everything stays on the loopback interface. Where multicast does
 * not work on this host the multicast cases say so and the packet bytes are
 * still checked over unicast.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import dgram from "node:dgram";
import { readFileSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import dnsPacket from "dns-packet";
import { advertisement, BRIDGE_SERVICE, GATEWAY_SERVICE, parseTxt, type Advertisement } from "../../core/discovery/records.ts";
import { writeWideAreaZone } from "../../runtime-bun/discovery.ts";
import { browse, decodeRecords, encodeQuery, MDNS_GROUP, MdnsResponder, type MdnsNetwork } from "../../runtime-bun/mdns.ts";
import { freshHome, runCli, spawnGateway } from "../harness/process.ts";

const LOOPBACK = "127.0.0.1";

/** A free UDP port for this file's private multicast group, so parallel runs never meet. */
async function freePort(): Promise<number> {
  const s = dgram.createSocket("udp4");
  await new Promise<void>((r) => s.bind(0, LOOPBACK, () => r()));
  const port = s.address().port;
  s.close();
  return port;
}

let net: MdnsNetwork;
let ad: Advertisement;
let responder: MdnsResponder | undefined;
let multicastError: string | undefined;

beforeAll(async () => {
  net = { port: await freePort(), interfaces: [LOOPBACK] };
  ad = advertisement({ hostname: "testhost.example.com", gatewayPort: 18789, bridgePort: 18790, mode: "minimal", addresses: [LOOPBACK] });
  try {
    responder = await MdnsResponder.start(ad, net);
  } catch (error) {
    multicastError = String(error);
    console.warn(`multicast unavailable on ${LOOPBACK} (${multicastError}); multicast cases are skipped, packet bytes are still checked`);
  }
});
afterAll(() => responder?.stop());

/** Sends one query packet from an ephemeral port and collects the reply packets for `ms`. */
async function ask(bytes: Buffer, to: { port: number; address: string }, ms = 400): Promise<dnsPacket.DecodedPacket[]> {
  const s = dgram.createSocket("udp4");
  const replies: dnsPacket.DecodedPacket[] = [];
  s.on("message", (m) => replies.push(dnsPacket.decode(m)));
  await new Promise<void>((r) => s.bind(0, "0.0.0.0", () => r()));
  s.setMulticastInterface(LOOPBACK);
  s.send(bytes, to.port, to.address);
  const deadline = Date.now() + ms;
  while (replies.length === 0 && Date.now() < deadline) await Bun.sleep(10);
  s.close();
  return replies;
}

describe("responder answers (§9)", () => {
  test("PTR query for _openclaw-gw._tcp.local -> PTR, SRV <host>.local:<port>, TXT with the §9 keys, A", async () => {
    if (!responder) return console.warn("skipped: no responder without multicast membership");
    // Legacy unicast query straight to the responder's port: works with or without multicast routing.
    const [reply] = await ask(encodeQuery(GATEWAY_SERVICE, "PTR", 4242), { port: net.port, address: LOOPBACK });
    expect(reply).toBeDefined();
    expect(reply!.type).toBe("response");
    expect(reply!.id).toBe(4242);
    expect(reply!.flag_aa).toBe(true);
    expect(reply!.questions).toEqual([{ name: GATEWAY_SERVICE, type: "PTR", class: "IN" }]);
    const records = decodeRecords(reply!);
    const fqdn = `testhost (OpenClaw).${GATEWAY_SERVICE}`;
    expect(records.find((r) => r.type === "PTR")).toMatchObject({ name: GATEWAY_SERVICE, data: fqdn });
    expect(records.find((r) => r.type === "SRV")).toMatchObject({ name: fqdn, data: { port: 18789, target: "testhost.local" } });
    const txt = records.find((r) => r.type === "TXT")!;
    expect(txt.name).toBe(fqdn);
    expect(parseTxt(txt.data as string[])).toEqual({ role: "gateway", gatewayPort: "18789", lanHost: "testhost.local", displayName: "testhost", transport: "gateway" });
    expect(records.find((r) => r.type === "A")).toMatchObject({ name: "testhost.local", data: LOOPBACK });
    // Legacy unicast replies carry short TTLs (RFC 6762 §6.7).
    expect(records.every((r) => r.ttl <= 10)).toBe(true);
  });

  test("the bridge is advertised as _openclaw._tcp with its port", async () => {
    if (!responder) return console.warn("skipped: no responder without multicast membership");
    const [reply] = await ask(encodeQuery(BRIDGE_SERVICE, "PTR"), { port: net.port, address: LOOPBACK });
    const records = decodeRecords(reply!);
    expect(records.find((r) => r.type === "SRV")).toMatchObject({ name: `testhost (OpenClaw).${BRIDGE_SERVICE}`, data: { port: 18790 } });
    expect(parseTxt(records.find((r) => r.type === "TXT")!.data as string[])).toMatchObject({ transport: "bridge", bridgePort: "18790", gatewayPort: "18789" });
  });

  test("a query about something else -> no answer at all (mDNS stays silent)", async () => {
    if (!responder) return console.warn("skipped: no responder without multicast membership");
    expect(await ask(encodeQuery("_http._tcp.local", "PTR"), { port: net.port, address: LOOPBACK }, 200)).toEqual([]);
  });

  test("garbage datagram -> ignored; the responder still answers afterwards", async () => {
    if (!responder) return console.warn("skipped: no responder without multicast membership");
    expect(await ask(Buffer.from("not a dns packet"), { port: net.port, address: LOOPBACK }, 150)).toEqual([]);
    expect((await ask(encodeQuery(GATEWAY_SERVICE, "PTR"), { port: net.port, address: LOOPBACK })).length).toBe(1);
  });
});

describe("multicast (§9)", () => {
  test("a query to 224.0.0.251 on loopback -> the browser finds the gateway beacon", async () => {
    if (!responder) return console.warn(`skipped: multicast unavailable (${multicastError})`);
    const found = await browse(net, 300);
    expect(found).toEqual([expect.objectContaining({ instanceName: "testhost (OpenClaw)", displayName: "testhost", host: "testhost.local", port: 18789, gatewayPort: 18789, lanHost: "testhost.local", role: "gateway", transport: "gateway", domain: "local." })]);
  });

  test("stop -> goodbye packet with TTL 0 on the group", async () => {
    if (!responder) return console.warn(`skipped: multicast unavailable (${multicastError})`);
    const listener = dgram.createSocket({ type: "udp4", reuseAddr: true });
    const seen: dnsPacket.DecodedPacket[] = [];
    listener.on("message", (m) => seen.push(dnsPacket.decode(m)));
    await new Promise<void>((r) => listener.bind(net.port, "0.0.0.0", () => r()));
    listener.addMembership(MDNS_GROUP, LOOPBACK);
    try {
      const other = await MdnsResponder.start(advertisement({ hostname: "byehost", gatewayPort: 1, mode: "minimal", addresses: [LOOPBACK] }), net);
      await other.stop();
      const deadline = Date.now() + 2000;
      const isGoodbye = (p: dnsPacket.DecodedPacket) => decodeRecords(p).some((r) => r.type === "PTR" && r.data === `byehost (OpenClaw).${GATEWAY_SERVICE}` && r.ttl === 0);
      while (!seen.some(isGoodbye) && Date.now() < deadline) await Bun.sleep(10);
      expect(seen.some(isGoodbye)).toBe(true);
    } finally {
      listener.close();
    }
  });
});

describe("clawgate gateway discover (§9)", () => {
  test("--json finds a running clawgate advertising on loopback; upstream's JSON shape", async () => {
    if (!responder) return console.warn(`skipped: multicast unavailable (${multicastError})`);
    const home = freshHome();
    const host = `cg${crypto.randomUUID().slice(0, 8)}`;
    const env = { OPENCLAW_DISABLE_BONJOUR: "0", CLAWGATE_MDNS_INTERFACE: LOOPBACK, OPENCLAW_MDNS_HOSTNAME: host };
    const child = await spawnGateway(home, ["--port", "0", "--token", "discover-test-token"], env);
    try {
      const run = await runCli(home, ["gateway", "discover", "--json", "--timeout", "800"], env);
      expect(run.code).toBe(0);
      const out = JSON.parse(run.stdout);
      expect(out).toMatchObject({ timeoutMs: 800, domains: ["local."] });
      expect(out.count).toBe(out.beacons.length);
      const mine = out.beacons.find((b: any) => b.instanceName === `${host} (OpenClaw)`);
      expect(mine).toMatchObject({ displayName: host, host: `${host}.local`, port: child.port, gatewayPort: child.port, role: "gateway", transport: "gateway", domain: "local.", wsUrl: `ws://${host}.local:${child.port}` });
    } finally {
      child.proc.kill("SIGTERM");
      await child.proc.exited;
      rmSync(home, { recursive: true, force: true });
    }
  }, 20_000);

  test("nothing advertised -> count 0, exit 0", async () => {
    const home = freshHome();
    try {
      const run = await runCli(home, ["gateway", "discover", "--json", "--timeout", "200"], { CLAWGATE_MDNS_INTERFACE: LOOPBACK });
      expect(run.code).toBe(0);
      const out = JSON.parse(run.stdout);
      // Other gateways on this host may answer; none of them is this test's.
      expect(out.beacons.every((b: any) => b.instanceName !== "testhost (OpenClaw)")).toBe(true);
      expect(out.count).toBe(out.beacons.length);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});

describe("wide-area zone file (§9)", () => {
  test("written under <stateDir>/dns/<domain>.db (0600 in 0700); unchanged records -> no rewrite", async () => {
    const dir = freshHome();
    try {
      const first = writeWideAreaZone({ domain: "example.ts.net.", stateDir: dir, hostname: "vm", gatewayPort: 18789, tailnetIPv4: "100.64.0.7", now: new Date("2026-01-02T00:00:00Z") });
      expect(first).toEqual({ path: join(dir, "dns", "example.ts.net.db"), changed: true });
      expect(statSync(first.path).mode & 0o777).toBe(0o600);
      expect(statSync(join(dir, "dns")).mode & 0o777).toBe(0o700);
      const text = readFileSync(first.path, "utf8");
      expect(text).toContain("@ IN SOA ns1 hostmaster 2026010201 7200 3600 1209600 60");
      expect(text).toContain("_openclaw-gw._tcp IN PTR vm-gateway._openclaw-gw._tcp");
      expect(text).toContain("vm-gateway._openclaw-gw._tcp IN SRV 0 0 18789 vm");
      expect(text).toContain("vm IN A 100.64.0.7");
      const again = writeWideAreaZone({ domain: "example.ts.net.", stateDir: dir, hostname: "vm", gatewayPort: 18789, tailnetIPv4: "100.64.0.7" });
      expect(again.changed).toBe(false);
      expect(readFileSync(first.path, "utf8")).toBe(text);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
