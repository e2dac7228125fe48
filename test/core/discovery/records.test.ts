/**
 * DNS-SD records (spec §9): naming, TXT keys per mode, which records answer
 * which question, beacon parsing, and the wide-area zone text.
 */
import { describe, expect, test } from "bun:test";
import { advertisement, announcement, answer, beacons, BRIDGE_SERVICE, GATEWAY_SERVICE, goodbye, hostLabel, SERVICES_META } from "../../../core/discovery/records.ts";
import { normalizeDomain, renderZone, zoneFileName } from "../../../core/discovery/zone.ts";

const base = { hostname: "vm", gatewayPort: 18789, mode: "minimal" as const, addresses: ["192.0.2.2"] };

describe("naming (§9)", () => {
  test.each([
    ["vm.example.com", undefined, "vm"],
    ["Mac-Studio.local", undefined, "Mac-Studio"],
    ["bad_name", undefined, "openclaw"],
    ["", undefined, "openclaw"],
    ["vm", "lab-box.local", "lab-box"],
    ["vm", "a.b.c", "a"],
  ])("hostname %p, OPENCLAW_MDNS_HOSTNAME %p -> %p", (hostname, env, label) => {
    expect(hostLabel(hostname, env)).toBe(label);
  });

  test("instance '<host> (OpenClaw)', SRV <host>.local, labels capped at 63 bytes", () => {
    const ad = advertisement(base);
    expect(ad.instanceName).toBe("vm (OpenClaw)");
    expect(ad.host).toBe("vm.local");
    const long = advertisement({ ...base, hostname: "x", mdnsHostname: "h".repeat(70) });
    expect(new TextEncoder().encode(long.instanceName).length).toBeLessThanOrEqual(63);
  });
});

describe("TXT (§9)", () => {
  test("minimal: role, gatewayPort, lanHost, displayName, transport", () => {
    expect(advertisement(base).services[0]!.txt).toEqual({ role: "gateway", gatewayPort: "18789", lanHost: "vm.local", displayName: "vm", transport: "gateway" });
  });

  test("full adds sshPort (default 22), cliPath, tailnetDns; TLS and direct reachability when applicable", () => {
    const txt = advertisement({ ...base, mode: "full", cliPath: "/usr/bin/clawgate", tailnetDns: "vm.tail.ts.net", gatewayTls: { fingerprintSha256: "ab" }, gatewayDirectReachable: true }).services[0]!.txt;
    expect(txt).toEqual({
      role: "gateway", gatewayPort: "18789", lanHost: "vm.local", displayName: "vm", gatewayTls: "1", gatewayTlsSha256: "ab",
      gatewayDirectReachable: "1", tailnetDns: "vm.tail.ts.net", cliPath: "/usr/bin/clawgate", transport: "gateway", sshPort: "22",
    });
  });

  test("minimal never leaks cliPath or tailnetDns", () => {
    const txt = advertisement({ ...base, cliPath: "/x", tailnetDns: "y", sshPort: 2222 }).services[0]!.txt;
    expect(Object.keys(txt)).toEqual(["role", "gatewayPort", "lanHost", "displayName", "transport"]);
  });
});

describe("answers", () => {
  const ad = advertisement({ ...base, bridgePort: 18790 });

  test("PTR for the service -> PTR answer, SRV + TXT + A additionals", () => {
    const r = answer(ad, [{ name: GATEWAY_SERVICE, type: "PTR" }])!;
    expect(r.answers.map((a) => a.type)).toEqual(["PTR"]);
    expect(r.additionals.map((a) => a.type)).toEqual(["SRV", "TXT", "A"]);
  });

  test("names match case-insensitively and with a trailing dot; SRV/TXT/ANY/A questions", () => {
    expect(answer(ad, [{ name: "_OPENCLAW-GW._tcp.local.", type: "PTR" }])).not.toBeNull();
    expect(answer(ad, [{ name: `vm (OpenClaw).${GATEWAY_SERVICE}`, type: "SRV" }])!.answers.map((a) => a.type)).toEqual(["SRV"]);
    expect(answer(ad, [{ name: `vm (OpenClaw).${BRIDGE_SERVICE}`, type: "ANY" }])!.answers.map((a) => a.type)).toEqual(["SRV", "TXT"]);
    expect(answer(ad, [{ name: "vm.local", type: "A" }])!.answers).toEqual([{ type: "A", name: "vm.local", ttl: 120, flush: true, data: "192.0.2.2" }]);
    expect(answer(ad, [{ name: SERVICES_META, type: "PTR" }])!.answers.map((a) => a.data)).toEqual([GATEWAY_SERVICE, BRIDGE_SERVICE]);
    expect(answer(ad, [{ name: "_http._tcp.local", type: "PTR" }])).toBeNull();
  });

  test("goodbye repeats the service records with TTL 0", () => {
    expect(goodbye(ad).every((r) => r.ttl === 0)).toBe(true);
    expect(goodbye(ad).map((r) => r.type)).toEqual(["PTR", "SRV", "TXT", "PTR", "SRV", "TXT"]);
  });
});

describe("beacons", () => {
  test("announcement records -> one gateway beacon in upstream's shape; the bridge instance is not a gateway", () => {
    const found = beacons(announcement(advertisement({ ...base, bridgePort: 18790 })));
    expect(found).toEqual([{
      instanceName: "vm (OpenClaw)", displayName: "vm", domain: "local.", host: "vm.local", port: 18789,
      txt: { role: "gateway", gatewayPort: "18789", lanHost: "vm.local", displayName: "vm", transport: "gateway" },
      lanHost: "vm.local", role: "gateway", transport: "gateway", gatewayPort: 18789, sshPort: undefined,
    }]);
  });

  test("a goodbye removes the instance", () => {
    const ad = advertisement(base);
    expect(beacons([...announcement(ad), ...goodbye(ad)])).toEqual([]);
  });
});

describe("wide-area zone (§9)", () => {
  test("domain rules", () => {
    expect(normalizeDomain(" example.ts.net ")).toBe("example.ts.net.");
    expect(normalizeDomain(undefined)).toBeNull();
    expect(() => normalizeDomain("bad_domain.com")).toThrow("wide-area discovery domain must be a valid DNS name");
    expect(zoneFileName("example.ts.net.")).toBe("example.ts.net.db");
  });

  test("records; serial is today's, bumps on change, stays when nothing changed", () => {
    const o = { domain: "example.ts.net.", hostname: "vm", gatewayPort: 18789, tailnetIPv4: "100.64.0.7" };
    const day = new Date("2026-03-04T10:00:00Z");
    const first = renderZone(o, null, day)!;
    expect(first.split("\n").slice(1)).toEqual([
      "$ORIGIN example.ts.net.",
      "$TTL 60",
      "@ IN SOA ns1 hostmaster 2026030401 7200 3600 1209600 60",
      "@ IN NS ns1",
      "ns1 IN A 100.64.0.7",
      "vm IN A 100.64.0.7",
      "_openclaw-gw._tcp IN PTR vm-gateway._openclaw-gw._tcp",
      "vm-gateway._openclaw-gw._tcp IN SRV 0 0 18789 vm",
      'vm-gateway._openclaw-gw._tcp IN TXT "displayName=vm (OpenClaw)" "role=gateway" "transport=gateway" "gatewayPort=18789"',
      "",
    ]);
    expect(renderZone(o, first, day)).toBeNull();
    const changed = renderZone({ ...o, gatewayPort: 1 }, first, day)!;
    expect(changed).toContain("hostmaster 2026030402 ");
    expect(renderZone({ ...o, gatewayPort: 2 }, changed, new Date("2026-03-05T00:00:00Z"))).toContain("hostmaster 2026030501 ");
  });
});
