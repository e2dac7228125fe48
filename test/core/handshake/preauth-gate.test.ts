/**
 * The pre-auth gate's bookkeeping (spec §1.4): read slots per address and in
 * total, refusal past the socket bounds, slots handed on round-robin over
 * addresses. The wire behaviour is in test/conformance/preauth-gate.test.ts.
 */
import { describe, expect, test } from "bun:test";
import { PreauthGate, type GatedSocket } from "../../../core/handshake/preauth-gate.ts";

/** A socket that records whether the gate lets it read. */
function socket(address: string): GatedSocket & { reading: boolean } {
  return {
    peer: { remoteAddress: address },
    reading: true,
    pauseReading() {
      this.reading = false;
    },
    resumeReading() {
      this.reading = true;
    },
  };
}

const limits = { readSlots: 3, readSlotsPerAddress: 2, maxSockets: 6, maxSocketsPerAddress: 4 };

describe("PreauthGate", () => {
  test("an address past its read slots waits; another address still reads", () => {
    const gate = new PreauthGate(limits);
    const a = [socket("a"), socket("a"), socket("a")];
    for (const s of a) expect(gate.enter(s)).toBe(true);
    expect(a.map((s) => s.reading)).toEqual([true, true, false]);
    const b = socket("b");
    gate.enter(b);
    expect(b.reading).toBe(true);
  });

  test("past the total read slots sockets wait; a freed slot goes to the next address in line", () => {
    const gate = new PreauthGate(limits);
    const [a1, a2, b1, b2, c1] = [socket("a"), socket("a"), socket("b"), socket("b"), socket("c")];
    for (const s of [a1, a2, b1, b2, c1]) gate.enter(s);
    expect([a1, a2, b1, b2, c1].map((s) => s.reading)).toEqual([true, true, true, false, false]);
    gate.leave(a1);
    expect(b2.reading).toBe(true);
    expect(c1.reading).toBe(false);
    gate.leave(b1);
    expect(c1.reading).toBe(true);
  });

  test("sockets past the per-address and the total bounds are refused; leave is idempotent", () => {
    const gate = new PreauthGate(limits);
    const a = Array.from({ length: 4 }, () => socket("a"));
    for (const s of a) expect(gate.enter(s)).toBe(true);
    expect(gate.enter(socket("a"))).toBe(false);
    expect(gate.enter(socket("b"))).toBe(true);
    expect(gate.enter(socket("c"))).toBe(true);
    expect(gate.enter(socket("d"))).toBe(false);
    expect(gate.size).toBe(6);
    gate.leave(a[3]!);
    gate.leave(a[3]!);
    expect(gate.size).toBe(5);
    expect(gate.enter(socket("a"))).toBe(true);
  });

  test("a waiting socket that leaves gives up its place; nothing is resumed for it", () => {
    const gate = new PreauthGate(limits);
    const [a1, a2, a3, a4] = [socket("a"), socket("a"), socket("a"), socket("a")];
    for (const s of [a1, a2, a3, a4]) gate.enter(s);
    gate.leave(a3);
    gate.leave(a1);
    expect(a3.reading).toBe(false);
    expect(a4.reading).toBe(true);
  });
});
