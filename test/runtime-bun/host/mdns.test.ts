/**
 * mDNS / DNS-SD over real UDP sockets (spec §9): a real query packet gets
 * PTR, SRV and TXT answers with the §9 keys; browsing finds the gateway;
 * start-up announces and shutdown says goodbye; `clawgate gateway discover
 * --json` finds a running clawgate; whether a gateway run advertises at all
 * (container sentinels, `discovery.mdns.mode`, OPENCLAW_DISABLE_BONJOUR).
 * Everything stays on the loopback interface, or inside a network namespace
 * of the test's own. Where multicast or namespaces do not work on this host
 * the cases that need them show as skipped with the reason (and fail under CI).
 */
import { afterAll, describe, expect, test } from "bun:test";
import dgram from "node:dgram";
import { existsSync, readFileSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import dnsPacket from "dns-packet";
import { advertisement, BRIDGE_SERVICE, GATEWAY_SERVICE, parseTxt, type Advertisement } from "../../../core/discovery/records.ts";
import { writeWideAreaZone } from "../../../runtime-bun/host/discovery.ts";
import { browse, decodeRecords, encodeQuery, MDNS_GROUP, MdnsResponder, type MdnsNetwork } from "../../../runtime-bun/host/mdns.ts";
import { testNeeding } from "../../harness/capability.ts";
import { createNetns, NETNS_UNAVAILABLE } from "../../harness/netns.ts";
import { childEnv, CLI, freshHome, runCli, spawnGateway } from "../../harness/process.ts";
import { startRuntimeGateway, type RuntimeGateway } from "../../harness/runtimes.ts";
import { Signal } from "../../harness/signal.ts";

const LOOPBACK = "127.0.0.1";

function bind(socket: dgram.Socket, port: number, address: string): Promise<void> {
  return new Promise((resolve, reject) => {
    socket.once("error", reject);
    socket.bind(port, address, () => {
      socket.off("error", reject);
      resolve();
    });
  });
}

// This file's private group port, held for the whole run (on 127.0.0.2, so unicast to 127.0.0.1 never reaches the
// holder): the kernel hands it to no other bind(0), so parallel runs never share a group.
const portHold = dgram.createSocket({ type: "udp4", reuseAddr: true });
await bind(portHold, 0, "127.0.0.2");
const net: MdnsNetwork = { port: portHold.address().port, interfaces: [LOOPBACK] };
const ad: Advertisement = advertisement({ hostname: "testhost.example.com", gatewayPort: 18789, bridgePort: 18790, mode: "minimal", addresses: [LOOPBACK] });
let responder: MdnsResponder | undefined;
let multicastError: string | undefined;
try {
  responder = await MdnsResponder.start(ad, net);
} catch (error) {
  multicastError = `the responder cannot join ${MDNS_GROUP} on ${LOOPBACK}: ${String(error)}`;
}
afterAll(async () => {
  await responder?.stop();
  portHold.close();
});

/** Tests that need the multicast responder (skipped with the reason when it cannot start; failing under CI). */
const multicastTest = testNeeding("multicast", multicastError);
/** Tests that run processes inside a network namespace of their own. */
const namespacedTest = testNeeding("multicast and network namespaces", multicastError ?? NETNS_UNAVAILABLE);

function live(): MdnsResponder {
  if (!responder) throw new Error(multicastError);
  return responder;
}

/** A querier on an ephemeral port (a legacy unicast querier, RFC 6762 §6.7): every reply packet it gets, in order. */
async function querier() {
  const socket = dgram.createSocket("udp4");
  const replies: dnsPacket.DecodedPacket[] = [];
  const signal = new Signal();
  socket.on("message", (m) => {
    replies.push(dnsPacket.decode(m));
    signal.wake();
  });
  await bind(socket, 0, "0.0.0.0");
  return {
    replies,
    send: (bytes: Buffer) => socket.send(bytes, net.port, LOOPBACK),
    /** Resolves with the reply carrying `id`. */
    async reply(id: number): Promise<dnsPacket.DecodedPacket> {
      await signal.until(() => replies.some((r) => r.id === id));
      return replies.find((r) => r.id === id)!;
    },
    close: () => socket.close(),
  };
}

/** A member of the private group that records every packet sent to it. */
async function groupListener() {
  const socket = dgram.createSocket({ type: "udp4", reuseAddr: true });
  const packets: dnsPacket.DecodedPacket[] = [];
  const signal = new Signal();
  socket.on("message", (m) => {
    packets.push(dnsPacket.decode(m));
    signal.wake();
  });
  await bind(socket, net.port, "0.0.0.0");
  socket.addMembership(MDNS_GROUP, LOOPBACK);
  return { packets, until: (cond: () => boolean, ms?: number) => signal.until(cond, ms), close: () => socket.close() };
}

describe("responder answers (§9)", () => {
  multicastTest("PTR query for _openclaw-gw._tcp.local -> PTR, SRV <host>.local:<port>, TXT with the §9 keys, A", async () => {
    live();
    const q = await querier();
    try {
      // Legacy unicast query straight to the responder's port.
      q.send(encodeQuery(GATEWAY_SERVICE, "PTR", 4242));
      const reply = await q.reply(4242);
      expect(reply.type).toBe("response");
      expect(reply.flag_aa).toBe(true);
      expect(reply.questions).toEqual([{ name: GATEWAY_SERVICE, type: "PTR", class: "IN" }]);
      const records = decodeRecords(reply);
      const fqdn = `testhost (OpenClaw).${GATEWAY_SERVICE}`;
      expect(records.find((r) => r.type === "PTR")).toMatchObject({ name: GATEWAY_SERVICE, data: fqdn });
      expect(records.find((r) => r.type === "SRV")).toMatchObject({ name: fqdn, data: { port: 18789, target: "testhost.local" } });
      const txt = records.find((r) => r.type === "TXT")!;
      expect(txt.name).toBe(fqdn);
      expect(parseTxt(txt.data as string[])).toEqual({ role: "gateway", gatewayPort: "18789", lanHost: "testhost.local", displayName: "testhost", transport: "gateway" });
      expect(records.find((r) => r.type === "A")).toMatchObject({ name: "testhost.local", data: LOOPBACK });
      // Legacy unicast replies carry short TTLs (RFC 6762 §6.7).
      expect(records.map((r) => r.ttl)).toEqual(records.map(() => 10));
    } finally {
      q.close();
    }
  });

  multicastTest("the bridge is advertised as _openclaw._tcp with its port", async () => {
    live();
    const q = await querier();
    try {
      q.send(encodeQuery(BRIDGE_SERVICE, "PTR", 7));
      const records = decodeRecords(await q.reply(7));
      expect(records.find((r) => r.type === "SRV")).toMatchObject({ name: `testhost (OpenClaw).${BRIDGE_SERVICE}`, data: { port: 18790 } });
      expect(parseTxt(records.find((r) => r.type === "TXT")!.data as string[])).toMatchObject({ transport: "bridge", bridgePort: "18790", gatewayPort: "18789" });
    } finally {
      q.close();
    }
  });

  // Absence is proven against a control: the responder handles one socket's datagrams in order, so once the control's
  // answer is in, an answer to the earlier query would have arrived before it.
  multicastTest("a query about something else -> no answer at all (mDNS stays silent); the next query is answered", async () => {
    live();
    const q = await querier();
    try {
      q.send(encodeQuery("_http._tcp.local", "PTR", 11));
      q.send(encodeQuery(GATEWAY_SERVICE, "PTR", 12));
      await q.reply(12);
      expect(q.replies.map((r) => r.id)).toEqual([12]);
    } finally {
      q.close();
    }
  });

  multicastTest("garbage datagram -> ignored; the responder still answers afterwards", async () => {
    live();
    const q = await querier();
    try {
      q.send(Buffer.from("not a dns packet"));
      q.send(encodeQuery(GATEWAY_SERVICE, "PTR", 13));
      await q.reply(13);
      expect(q.replies.map((r) => r.id)).toEqual([13]);
    } finally {
      q.close();
    }
  });
});

describe("multicast (§9)", () => {
  multicastTest("a query to 224.0.0.251 on loopback -> the browser finds the gateway beacon", async () => {
    live();
    const found = await browse(net, 300);
    expect(found).toEqual([{ instanceName: "testhost (OpenClaw)", displayName: "testhost", host: "testhost.local", port: 18789, gatewayPort: 18789, lanHost: "testhost.local", role: "gateway", transport: "gateway", domain: "local.", txt: { role: "gateway", gatewayPort: "18789", lanHost: "testhost.local", displayName: "testhost", transport: "gateway" } }]);
  });

  multicastTest("start -> two unsolicited announcements (RFC 6762 §8.3); stop -> goodbye packet with TTL 0", async () => {
    live();
    const listener = await groupListener();
    const fqdn = `hellohost (OpenClaw).${GATEWAY_SERVICE}`;
    const mine = (ttl: (t: number) => boolean) => (p: dnsPacket.DecodedPacket) => p.type === "response" && decodeRecords(p).some((r) => r.type === "PTR" && r.data === fqdn && ttl(r.ttl));
    try {
      const other = await MdnsResponder.start(advertisement({ hostname: "hellohost", gatewayPort: 4321, mode: "minimal", addresses: [LOOPBACK] }), net);
      try {
        await listener.until(() => listener.packets.filter(mine((t) => t > 0)).length >= 2, 5_000);
        const [first] = listener.packets.filter(mine((t) => t > 0));
        expect(first!.id).toBe(0);
        expect(first!.questions).toEqual([]);
        const records = decodeRecords(first!);
        expect(records.find((r) => r.type === "SRV")).toMatchObject({ name: fqdn, data: { port: 4321, target: "hellohost.local" } });
        expect(parseTxt(records.find((r) => r.type === "TXT" && r.name === fqdn)!.data as string[])).toMatchObject({ role: "gateway", gatewayPort: "4321" });
        expect(records.find((r) => r.type === "A")).toMatchObject({ name: "hellohost.local", data: LOOPBACK });
        expect(listener.packets.some(mine((t) => t === 0))).toBe(false);
      } finally {
        await other.stop();
      }
      await listener.until(() => listener.packets.some(mine((t) => t === 0)));
    } finally {
      listener.close();
    }
  });
});

/** `clawgate gateway discover --json` run inside `ns` (the namespace's own loopback). */
async function discoverIn(exec: string[], timeoutMs: number): Promise<{ code: number; out: any; stderr: string }> {
  const home = freshHome();
  try {
    const proc = Bun.spawn([...exec, process.execPath, CLI, "gateway", "discover", "--json", "--timeout", String(timeoutMs)], { env: childEnv(home, { CLAWGATE_MDNS_INTERFACE: LOOPBACK }), stdout: "pipe", stderr: "pipe" });
    const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
    return { code, out: stdout ? JSON.parse(stdout) : undefined, stderr };
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

describe("clawgate gateway discover (§9)", () => {
  multicastTest("--json finds a running clawgate advertising on loopback; upstream's JSON shape", async () => {
    live();
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

  // In a namespace of its own nothing else on this machine can answer, so the counts are exact.
  namespacedTest("nothing advertised -> count 0, exit 0; then one clawgate advertising -> count 1, its beacon", async () => {
    const ns = await createNetns();
    const exec = ["ip", "netns", "exec", ns.name];
    let gw: RuntimeGateway | undefined;
    try {
      const empty = await discoverIn(exec, 300);
      expect(empty).toEqual({ code: 0, out: { timeoutMs: 300, domains: ["local."], count: 0, beacons: [] }, stderr: "" });
      gw = await startRuntimeGateway("bun", { wrap: exec, env: { OPENCLAW_DISABLE_BONJOUR: "0", CLAWGATE_MDNS_INTERFACE: LOOPBACK, OPENCLAW_MDNS_HOSTNAME: "nshost" } });
      const one = await discoverIn(exec, 800);
      expect(one.code).toBe(0);
      expect(one.out.count).toBe(1);
      expect(one.out.beacons).toEqual([expect.objectContaining({ instanceName: "nshost (OpenClaw)", port: gw.port, gatewayPort: gw.port })]);
    } finally {
      await gw?.stop();
      await ns.destroy();
    }
  }, 30_000);
});

describe("whether a gateway run advertises (§9)", () => {
  // Six gateways side by side in one namespace; one browse sees exactly those that should advertise, so each absence
  // is proven against the present ones on the same socket.
  namespacedTest("container sentinels, discovery.mdns.mode and OPENCLAW_DISABLE_BONJOUR decide, as upstream", async () => {
    const inContainer = ["/.dockerenv", "/run/.containerenv", "/var/run/.containerenv"].some((p) => existsSync(p));
    const cases: { host: string; mode?: "off" | "minimal" | "full"; env?: Record<string, string>; advertises: boolean }[] = [
      { host: "forcedon", env: { OPENCLAW_DISABLE_BONJOUR: "0" }, advertises: true },
      { host: "forcedoff", mode: "minimal", env: { OPENCLAW_DISABLE_BONJOUR: "1" }, advertises: false },
      { host: "modeoff", mode: "off", env: { OPENCLAW_DISABLE_BONJOUR: "0" }, advertises: false },
      // A fly.io machine is a container: no multicast even when the config asks for it.
      { host: "flymachine", mode: "minimal", env: { FLY_MACHINE_ID: "m1", FLY_APP_NAME: "app" }, advertises: false },
      // On Linux the default is off; a mode turns it on, unless this host is itself a container (it has /.dockerenv).
      { host: "modeminimal", mode: "minimal", advertises: !inContainer },
      { host: "unset", advertises: false },
    ];
    const ns = await createNetns();
    const exec = ["ip", "netns", "exec", ns.name];
    const gateways: RuntimeGateway[] = [];
    try {
      for (const c of cases) {
        const env = { CLAWGATE_MDNS_INTERFACE: LOOPBACK, OPENCLAW_MDNS_HOSTNAME: c.host, ...c.env };
        gateways.push(await startRuntimeGateway("bun", { wrap: exec, env, config: c.mode ? { discovery: { mdns: { mode: c.mode } } } : {} }));
      }
      const found = await discoverIn(exec, 800);
      expect(found.code).toBe(0);
      const names = found.out.beacons.map((b: any) => b.displayName).sort();
      expect(names).toEqual(cases.filter((c) => c.advertises).map((c) => c.host).sort());
    } finally {
      await Promise.all(gateways.map((g) => g.stop()));
      await ns.destroy();
    }
  }, 60_000);
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
