/** Tailscale's range, 100.64.0.0/10, written once: the bind mode and the private-address rule agree. */
import { describe, expect, test } from "bun:test";
import { isPrivateOrLoopbackIp, isTailnetIp } from "../../../core/net/address.ts";

describe("tailnet range (100.64.0.0/10)", () => {
  test("edges of the range -> inside; one address past either edge -> outside", () => {
    expect(["100.64.0.0", "100.100.7.9", "100.127.255.255", "::ffff:100.64.0.1"].map(isTailnetIp)).toEqual([true, true, true, true]);
    expect(["100.63.255.255", "100.128.0.0", "10.64.0.1", "fd7a:115c:a1e0::1", "tailnet.ts.net"].map(isTailnetIp)).toEqual([false, false, false, false, false]);
  });

  test("an address the bind mode takes is also a private peer for pairing and Origin rules", () => {
    expect(isPrivateOrLoopbackIp("100.64.0.0")).toBe(true);
    expect(isPrivateOrLoopbackIp("100.127.255.255")).toBe(true);
    expect(isPrivateOrLoopbackIp("100.128.0.0")).toBe(false);
  });
});
