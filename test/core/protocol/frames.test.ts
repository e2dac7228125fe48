/** Frame codec (spec §1.2, §1.7). */
import { describe, expect, test } from "bun:test";
import { decodeFrame, encodeError, encodeEvent, encodeResult, exceedsBytes } from "../../../core/protocol/frames.ts";
import { connectParamsSchema } from "../../../core/handshake/connect-params.ts";
import { formatIssues } from "../../../core/protocol/validation.ts";

describe("decodeFrame", () => {
  test("a request frame -> request; params may be absent", () => {
    expect(decodeFrame('{"type":"req","id":"2:x","method":"health"}')).toEqual({ kind: "request", frame: { type: "req", id: "2:x", method: "health" } });
  });
  test("broken JSON -> invalid-json", () => {
    expect(decodeFrame("{nope").kind).toBe("invalid-json");
  });
  test("an event frame -> not-request naming the problem, id kept when present", () => {
    expect(decodeFrame('{"type":"event","id":"e1","event":"x"}')).toEqual({ kind: "not-request", id: "e1", problem: "at /type: must be equal to constant" });
  });
  test("missing method, empty id, extra key, array -> validator text", () => {
    expect(decodeFrame('{"type":"req","id":"a"}')).toMatchObject({ id: "a", problem: "at root: must have required property 'method'" });
    expect(decodeFrame('{"type":"req","id":"","method":"m"}')).toMatchObject({ id: "invalid", problem: "at /id: must NOT have fewer than 1 characters" });
    expect(decodeFrame('{"type":"req","id":"a","method":"m","x":1}')).toMatchObject({ problem: "at root: unexpected property 'x'" });
    expect(decodeFrame("[1]")).toMatchObject({ id: "invalid", problem: "at root: must be object" });
  });
});

describe("encoders", () => {
  test("result, error and event frames are the §1.2 shapes", () => {
    expect(JSON.parse(encodeResult("1", { a: 1 }))).toEqual({ type: "res", id: "1", ok: true, payload: { a: 1 } });
    expect(JSON.parse(encodeError("1", { code: "FORBIDDEN", message: "m" }))).toEqual({ type: "res", id: "1", ok: false, error: { code: "FORBIDDEN", message: "m" } });
    expect(JSON.parse(encodeEvent("tick", { ts: 1 }, 7))).toEqual({ type: "event", event: "tick", payload: { ts: 1 }, seq: 7 });
    expect(JSON.parse(encodeEvent("connect.challenge", { nonce: "n" }))).not.toHaveProperty("seq");
  });
  test("exceedsBytes counts UTF-8 bytes, not UTF-16 units", () => {
    expect(exceedsBytes("a".repeat(10), 10)).toBe(false);
    expect(exceedsBytes("a".repeat(11), 10)).toBe(true);
    expect(exceedsBytes("é".repeat(6), 11)).toBe(true);
    expect(exceedsBytes("é".repeat(5), 10)).toBe(false);
  });
});

describe("connect params validation text (§1.7)", () => {
  const base = { minProtocol: 4, maxProtocol: 4, client: { id: "cli", version: "1", platform: "linux", mode: "cli" } };
  const text = (v: unknown) => {
    const r = connectParamsSchema.safeParse(v, { reportInput: true });
    return r.success ? null : formatIssues(r.error.issues);
  };
  test("valid params pass", () => expect(text(base)).toBeNull());
  test("unknown root key", () => expect(text({ ...base, bogus: 1 })).toBe("at root: unexpected property 'bogus'"));
  test("client id outside the enum", () => expect(text({ ...base, client: { ...base.client, id: "evil" } })).toBe("at /client/id: must be equal to one of the allowed values"));
  test("missing client version", () => expect(text({ ...base, client: { id: "cli", platform: "linux", mode: "cli" } })).toBe("at /client: must have required property 'version'"));
  test("non-integer signedAt", () => expect(text({ ...base, device: { id: "a", publicKey: "b", signature: "c", signedAt: 1.5, nonce: "n" } })).toBe("at /device/signedAt: must be integer"));
});
