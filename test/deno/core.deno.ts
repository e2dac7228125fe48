/**
 * core/ under Deno: the same modules, unchanged, on a third runtime. Run with
 * `deno test --config test/deno/deno.json test/deno/` (part of `npm test`).
 * Deno.test and ./assert.ts only, so no test framework has to be fetched.
 */
import * as assert from "./assert.ts";
import nacl from "tweetnacl";
import { decode, encode } from "@msgpack/msgpack";
import { loadMsgpack, msgpackCodec } from "../../core/protocol/codec.ts";
import { decodeFrame, encodeEvent } from "../../core/protocol/frames.ts";
import { negotiateProtocol } from "../../core/protocol/version.ts";
import { connectParamsSchema } from "../../core/handshake/connect-params.ts";
import { formatIssues } from "../../core/protocol/validation.ts";
import { effectiveScopes } from "../../core/scopes/scopes.ts";
import { AuthRateLimiter, DEFAULT_RATE_LIMIT } from "../../core/auth/rate-limit.ts";
import { resolveAuth } from "../../core/config/auth.ts";
import { deviceIdFor, payloadV3, verifyDeviceProof } from "../../core/device/identity.ts";
import { encodeBase64Url } from "../../core/device/encoding.ts";
import { Broadcaster } from "../../core/events/broadcaster.ts";
import type { Connection } from "../../core/runtime.ts";

Deno.test("frame codec: request, invalid JSON, non-request", () => {
  assert.equal(decodeFrame('{"type":"req","id":"1","method":"health"}'), { kind: "request", frame: { type: "req", id: "1", method: "health" } });
  assert.equal(decodeFrame("{").kind, "invalid-json");
  assert.equal(decodeFrame('{"type":"event"}'), { kind: "not-request", id: "invalid", problem: "at /type: must be equal to constant" });
  assert.equal(JSON.parse(encodeEvent("tick", { ts: 1 }, 3)), { type: "event", event: "tick", payload: { ts: 1 }, seq: 3 });
});

Deno.test("connect params: validator text as upstream words it", () => {
  const r = connectParamsSchema.safeParse({ minProtocol: 4, maxProtocol: 4, client: { id: "evil", version: "1", platform: "linux", mode: "cli" } }, { reportInput: true });
  assert.equal(r.success, false);
  assert.equal(formatIssues(r.error!.issues), "at /client/id: must be equal to one of the allowed values");
});

Deno.test("protocol negotiation: v3 operator refused, v3 probe and node accepted", () => {
  assert.throws(() => negotiateProtocol({ minProtocol: 3, maxProtocol: 3, mode: "cli", role: "operator" }), /protocol mismatch/);
  negotiateProtocol({ minProtocol: 3, maxProtocol: 4, mode: "probe", role: "operator" });
  negotiateProtocol({ minProtocol: 3, maxProtocol: 3, mode: "node", role: "node" });
});

Deno.test("scopes: write implies read but not pairing", () => {
  const s = effectiveScopes(["operator.write"]);
  assert.ok(s.has("operator.read"));
  assert.ok(!s.has("operator.pairing"), "write must not imply pairing");
});

Deno.test("rate limit: remote lockout after 10 failures", async () => {
  const now = 1_000;
  const rl = new AuthRateLimiter(DEFAULT_RATE_LIMIT, () => now);
  for (let i = 0; i < 10; i++) await rl.recordFailure("203.0.113.1", "shared-secret");
  assert.equal(rl.check("203.0.113.1", "shared-secret"), { allowed: false, retryAfterMs: 300_000 });
});

Deno.test("auth resolution: flag beats config beats env", () => {
  assert.equal(resolveAuth({ gateway: { auth: { token: "cfg-token-1" } } }, { OPENCLAW_GATEWAY_TOKEN: "env-token-1" }, { token: "flag-token-1" }).token, "flag-token-1");
  assert.equal(resolveAuth({ gateway: { auth: { token: "cfg-token-1" } } }, { OPENCLAW_GATEWAY_TOKEN: "env-token-1" }, {}).token, "cfg-token-1");
});

Deno.test("device identity: the §3 test vector verifies through Web Crypto on Deno", async () => {
  const seed = Uint8Array.from({ length: 32 }, (_, i) => i);
  const { publicKey, secretKey } = nacl.sign.keyPair.fromSeed(seed);
  assert.equal(encodeBase64Url(publicKey), "A6EHv_POEL4dcN0Y50vAmWfk1jCbpQ1fHdyGZBJVMbg");
  const id = await deviceIdFor(publicKey);
  assert.equal(id, "56475aa75463474c0285df5dbf2bcab73da651358839e9b77481b2eab107708c");
  const fields = { clientId: "cli", clientMode: "cli", role: "operator", scopes: ["operator.admin", "operator.read"], token: "example-token", platform: "Linux", deviceFamily: "Linux" };
  const nonce = "00000000-0000-4000-8000-000000000000";
  const signedAt = 1737264000000;
  const payload = payloadV3({ ...fields, deviceId: id, signedAt, nonce });
  const signature = encodeBase64Url(nacl.sign.detached(new TextEncoder().encode(payload), secretKey));
  assert.equal(signature, "CnwCcnRdB44jRz2sJD7kdIObBkR2qlnFF2MvaOb5iKjwcFMVjJPpqG47NeaMCVgMBLACvZEDiScQ9I0yfZ1vBA");
  const proof = await verifyDeviceProof({ id, publicKey: encodeBase64Url(publicKey), signature, signedAt, nonce }, fields, nonce, signedAt + 1000);
  assert.equal(proof.version, "v3");
  await assert.rejects(verifyDeviceProof({ id, publicKey: encodeBase64Url(publicKey), signature, signedAt, nonce }, { ...fields, role: "node" }, nonce, signedAt), /device signature invalid/);
});

Deno.test("broadcaster: one serialization per view class, consecutive seq", () => {
  const published: [string, string][] = [];
  // Members without a codec speak JSON: every frame is text.
  const b = new Broadcaster({ publish: (t, text) => published.push([t, text as string]) });
  const conn = { subscribe() {}, unsubscribe() {} } as unknown as Connection;
  b.join(conn, 1);
  b.join(conn, 0);
  b.broadcast("tick", { ts: 1 });
  b.broadcast("presence", { presence: [] });
  b.broadcast("tick", { ts: 2 });
  const seqOf = (topic: string) => published.filter(([t]) => t === topic).map(([, text]) => JSON.parse(text).seq);
  assert.equal(seqOf("view:1"), [1, 2, 3]);
  assert.equal(seqOf("view:0"), [1, 2]);
  assert.equal(b.broadcast("not.a.mapped.event", {}), 0);
});

Deno.test("MessagePack codec: a request decodes as from JSON, a broadcast is binary with seq appended", async () => {
  await loadMsgpack();
  const request = msgpackCodec.decode(encode({ type: "req", id: "1", method: "health" }));
  assert.equal(request, decodeFrame('{"type":"req","id":"1","method":"health"}'));
  assert.equal(msgpackCodec.decode('{"type":"req","id":"1","method":"health"}'), { kind: "invalid-json" });
  const published: Uint8Array[] = [];
  const b = new Broadcaster({ publish: (_t, frame) => published.push(frame as Uint8Array) });
  b.join({ codec: msgpackCodec, subscribe() {}, unsubscribe() {} } as unknown as Connection, 0);
  b.broadcast("tick", { ts: 1 });
  assert.equal(decode(published[0]!), { type: "event", event: "tick", payload: { ts: 1 }, seq: 1 });
});
