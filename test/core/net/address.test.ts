/** Address classification (spec §4.1, §4.4, §4.7): IP literals parsed as IPs, DNS names never local but `localhost`. */
import { describe, expect, test } from "bun:test";
import { isLocalNetworkHost, isLoopbackHost, isLoopbackIp, isPrivateOrLoopbackIp, normalizeIp, parseIp } from "../../../core/net/address.ts";

describe("IP literals", () => {
  test.each([
    ["127.0.0.1", true], ["127.255.0.9", true], ["::1", true], ["[::1]", true], ["0:0:0:0:0:0:0:1", true],
    ["::ffff:127.0.0.1", true], ["[::ffff:7f00:1]", true], ["::FFFF:127.0.0.2", true],
    ["127.evil.example", false], ["127.0.0.1.nip.io", false], ["128.0.0.1", false], ["::2", false], ["::ffff:8.8.8.8", false], ["1::1", false], ["", false],
  ])("isLoopbackIp(%p) -> %p", (ip, expected) => {
    expect(isLoopbackIp(ip)).toBe(expected);
  });

  test.each([
    ["10.1.2.3", true], ["172.16.0.1", true], ["172.31.255.255", true], ["192.168.1.1", true], ["169.254.0.1", true], ["100.64.0.1", true],
    ["fc00::1", true], ["fd12:3456::1", true], ["fe80::1", true], ["[fe80::1%eth0]", true], ["::ffff:192.168.0.1", true], ["::ffff:c0a8:1", true],
    ["172.32.0.1", false], ["192.169.0.1", false], ["8.8.8.8", false], ["fec0::1", false], ["2001:db8::1", false],
    ["fcbarcelona.com", false], ["fdic.gov", false], ["fe80.example", false], ["10.example", false], ["192.168.1.1.evil.example", false],
  ])("isPrivateOrLoopbackIp(%p) -> %p", (ip, expected) => {
    expect(isPrivateOrLoopbackIp(ip)).toBe(expected);
  });

  test("malformed literals are not addresses", () => {
    for (const bad of ["1.2.3", "1.2.3.4.5", "256.0.0.1", "01.2.3.4", "1:2:3:4:5:6:7:8:9", "1::2::3", "::g", "12345::1", "::ffff:1.2.3"]) expect(parseIp(bad)).toBeNull();
  });

  test("normalizeIp: one text per address (mapped IPv4 as IPv4)", () => {
    expect(normalizeIp("::ffff:127.0.0.1")).toBe("127.0.0.1");
    expect(normalizeIp("[::FFFF:C0A8:0101]")).toBe("192.168.1.1");
    expect(normalizeIp("0:0::1")).toBe("0:0:0:0:0:0:0:1");
    expect(normalizeIp("0:0::1")).toBe(normalizeIp("::1"));
  });
});

describe("hosts (Origin and Host headers)", () => {
  test.each([
    ["localhost", true], ["LOCALHOST", true], ["127.0.0.1", true], ["::1", true], ["[::1]", true],
    ["evil.localhost", false], ["localhost.evil.example", false], ["127.evil.example", false],
  ])("isLoopbackHost(%p) -> %p", (host, expected) => {
    expect(isLoopbackHost(host)).toBe(expected);
  });

  test.each([
    ["192.168.1.20", true], ["10.0.0.5", true], ["[fd00::2]", true], ["localhost", true],
    ["127.evil.example", false], ["fcbarcelona.com", false], ["fdic.gov", false], ["10.evil.example", false], ["box.local", false], ["box.tail1234.ts.net", false],
  ])("isLocalNetworkHost(%p) -> %p", (host, expected) => {
    expect(isLocalNetworkHost(host)).toBe(expected);
  });
});
