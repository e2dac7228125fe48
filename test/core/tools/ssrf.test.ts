/**
 * The private-network guard: address classes (IPv4, IPv6, mapped and NAT64
 * forms, the URL parser's other IPv4 spellings), internal names, DNS answers
 * checked, and ssrfPolicy's allow and block lists.
 */
import { describe, expect, test } from "bun:test";
import { checkTarget, isPrivateAddress } from "../../../core/tools/ssrf.ts";
import { resolveHost } from "../../../runtime-bun/host/dns.ts";

describe("isPrivateAddress", () => {
  test.each([
    "127.0.0.1", "10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.1", "169.254.169.254", "100.64.0.1", "0.0.0.0", "224.0.0.1", "255.255.255.255", "198.18.0.1",
    "::1", "::", "fe80::1", "fd00::1", "fc00::abcd", "ff02::1", "::ffff:127.0.0.1", "::ffff:7f00:1", "64:ff9b::a9fe:a9fe", "2002:c0a8:0101::1", "[::1]",
  ])("%s is private or internal", (ip) => expect(isPrivateAddress(ip)).toBe(true));

  test.each(["1.1.1.1", "8.8.8.8", "172.32.0.1", "192.169.0.1", "100.128.0.1", "2606:4700:4700::1111", "::ffff:8.8.8.8"])("%s is public", (ip) => expect(isPrivateAddress(ip)).toBe(false));

  test("names are not addresses", () => expect(isPrivateAddress("example.com")).toBeUndefined());
});

describe("checkTarget", () => {
  const publicDns = async () => ["93.184.215.14"];
  const rebinding = async (host: string) => (host === "evil.example" ? ["93.184.215.14", "10.0.0.7"] : ["93.184.215.14"]);

  test("other spellings of loopback are normalized by the URL parser and still blocked", async () => {
    for (const url of ["http://2130706433/", "http://0x7f.1/", "http://127.1/", "http://[::ffff:127.0.0.1]/"]) {
      await expect(checkTarget(new URL(url), undefined, publicDns)).rejects.toThrow(/is a private or internal address/);
    }
  });

  test("internal names are blocked before DNS: localhost, .local, .internal, single labels", async () => {
    for (const host of ["localhost", "printer.local", "metadata.google.internal", "intranet", "app.localhost"]) {
      await expect(checkTarget(new URL(`http://${host}/`), undefined, publicDns)).rejects.toThrow(/is an internal hostname/);
    }
  });

  test("a name is blocked when any address it resolves to is private", async () => {
    await expect(checkTarget(new URL("https://evil.example/"), undefined, rebinding)).rejects.toThrow("Blocked: evil.example resolves to a private or internal address (10.0.0.7).");
    await checkTarget(new URL("https://good.example/"), undefined, rebinding);
  });

  test("a checked name yields the addresses to connect to (deduplicated, IPv4 first); a literal or a policy pass yields none", async () => {
    const mixed = async () => ["2606:4700:4700::1111", "93.184.215.14", "93.184.215.14", "1.1.1.1"];
    expect(await checkTarget(new URL("https://good.example/"), undefined, mixed)).toEqual(["93.184.215.14", "1.1.1.1", "2606:4700:4700::1111"]);
    expect(await checkTarget(new URL("https://1.1.1.1/"), undefined, mixed)).toBeUndefined();
    expect(await checkTarget(new URL("https://good.example/"), { allowedHostnames: ["good.example"] }, mixed)).toBeUndefined();
  });

  test("the shim's resolver answers through the system resolver (localhost resolves to loopback)", async () => {
    expect((await resolveHost("localhost")).every((a) => isPrivateAddress(a))).toBe(true);
  });

  test("without a resolver a name cannot be checked and is refused; an address literal still is checked", async () => {
    await expect(checkTarget(new URL("https://example.com/"), undefined, undefined)).rejects.toThrow(/no DNS resolver/);
    await checkTarget(new URL("https://1.1.1.1/"), undefined, undefined);
  });

  test("ssrfPolicy: allowedHostnames lets exact names through; dangerouslyAllowPrivateNetwork everything; blockedHostnames wins", async () => {
    await checkTarget(new URL("http://LOCALHOST./"), { allowedHostnames: ["localhost"] }, publicDns);
    await expect(checkTarget(new URL("http://api.localhost/"), { allowedHostnames: ["localhost"] }, publicDns)).rejects.toThrow(/internal hostname/);
    await checkTarget(new URL("http://10.0.0.1/"), { dangerouslyAllowPrivateNetwork: true }, publicDns);
    await expect(checkTarget(new URL("http://10.0.0.1/"), { dangerouslyAllowPrivateNetwork: true, blockedHostnames: ["10.0.0.1"] }, publicDns)).rejects.toThrow(/blockedHostnames/);
    await expect(checkTarget(new URL("https://x.ads.example/"), { blockedHostnames: ["*.ads.example"] }, publicDns)).rejects.toThrow(/blockedHostnames/);
    await checkTarget(new URL("https://ads.example/"), { blockedHostnames: ["*.ads.example"] }, publicDns);
  });

  test("only http and https", async () => {
    await expect(checkTarget(new URL("ftp://example.com/"), undefined, publicDns)).rejects.toThrow("Blocked: only http and https URLs can be fetched (got ftp:).");
  });
});
