/**
 * Bridge line framing and the flood budget (docs/bridge-protocol.md).
 */
import { describe, expect, test } from "bun:test";
import { LineBudget, LineFramer } from "../../../core/bridge/framing.ts";

const bytes = (s: string) => new TextEncoder().encode(s);

describe("LineFramer", () => {
  test("many lines in one chunk; CRLF accepted; the tail waits for its newline", () => {
    const f = new LineFramer(() => 100);
    expect(f.push(bytes('{"a":1}\n{"b":2}\r\n{"c"'))).toEqual({ lines: ['{"a":1}', '{"b":2}'], tooLong: false });
    expect(f.buffered()).toBe(4);
    expect(f.push(bytes(":3}\n"))).toEqual({ lines: ['{"c":3}'], tooLong: false });
    expect(f.buffered()).toBe(0);
  });

  test("a multi-byte character split across chunks decodes whole", () => {
    const f = new LineFramer(() => 100);
    const line = bytes("é\n");
    expect(f.push(line.subarray(0, 1)).lines).toEqual([]);
    expect(f.push(line.subarray(1)).lines).toEqual(["é"]);
  });

  test("a line exactly at the cap passes; one byte more, terminated or not, is tooLong", () => {
    expect(new LineFramer(() => 5).push(bytes("12345\n"))).toEqual({ lines: ["12345"], tooLong: false });
    expect(new LineFramer(() => 5).push(bytes("ok\n123456\n")).tooLong).toBe(true);
    expect(new LineFramer(() => 5).push(bytes("ok\n123456\n")).lines).toEqual(["ok"]);
    const partial = new LineFramer(() => 5);
    expect(partial.push(bytes("123")).tooLong).toBe(false);
    expect(partial.push(bytes("456")).tooLong).toBe(true);
  });

  test("the cap is read per chunk (it rises after hello-ok)", () => {
    let cap = 3;
    const f = new LineFramer(() => cap);
    cap = 10;
    expect(f.push(bytes("12345678\n")).lines).toEqual(["12345678"]);
  });
});

describe("LineBudget", () => {
  test("a burst, then the steady rate", () => {
    let now = 0;
    const b = new LineBudget(3, 10, () => now);
    expect([b.take(), b.take(), b.take(), b.take()]).toEqual([true, true, true, false]);
    now += 100; // one line refilled at 10/s
    expect([b.take(), b.take()]).toEqual([true, false]);
    now += 10_000; // never more than the burst
    expect([b.take(), b.take(), b.take(), b.take()]).toEqual([true, true, true, false]);
  });
});
