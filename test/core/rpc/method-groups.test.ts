/**
 * The method group table (core/rpc/method-groups.ts) against the groups'
 * modules, through a whole in-memory gateway: hello-ok lists every declared
 * method before any group is loaded, each group loads and defines exactly
 * the names it declares, and a first call over the wire answers as a later
 * one does, the two-phase `agent` included.
 */
import { afterEach, describe, expect, test } from "bun:test";
import { GatewayError } from "../../../core/protocol/errors.ts";
import { METHOD_GROUPS } from "../../../core/rpc/method-groups.ts";
import { effectiveScopes } from "../../../core/scopes/scopes.ts";
import { MEMORY_TOKEN, memoryGateway, type MemoryGateway } from "../../harness/memory-gateway.ts";

const DECLARED = METHOD_GROUPS.flatMap((g) => g.methods);
const SCOPES = ["operator.admin", "operator.read", "operator.write", "operator.approvals", "operator.pairing"];

let gw: MemoryGateway | undefined;
afterEach(() => gw?.stop());

/** A fresh gateway and one connected backend operator with every scope. */
async function connected() {
  const mem = (gw = memoryGateway());
  const conn = await mem.open();
  const params = { minProtocol: 4, maxProtocol: 4, client: { id: "gateway-client", version: "0.0.0", platform: "linux", mode: "backend" }, auth: { token: MEMORY_TOKEN }, role: "operator", scopes: SCOPES };
  const hello = await mem.request(conn, "c", "connect", params);
  expect(hello.ok).toBe(true);
  let n = 0;
  return { mem, hello: hello.payload, call: (method: string, p: unknown = {}) => mem.request(conn, `r${n++}`, method, p) };
}

describe("method groups loaded on first call", () => {
  test("no name declared twice; hello-ok.features.methods is the table's names in order, before any group loads", async () => {
    expect(new Set(DECLARED).size).toBe(DECLARED.length);
    const { hello } = await connected();
    expect(hello.features.methods).toEqual(DECLARED);
  });

  test("every group loads and defines exactly the names it declares (a mismatch would reject with a plain Error)", async () => {
    const { mem } = await connected();
    const admin = { connId: "t", role: "operator" as const, scopes: SCOPES, effective: effectiveScopes(SCOPES), clientId: "gateway-client", clientMode: "backend", authMethod: "token" as const };
    for (const group of METHOD_GROUPS) {
      // Only prepared (authorized and validated), never run: params a handler would reject are as good as any.
      const outcome = await Promise.resolve(mem.gateway.prepare(group.methods[0]!, { "unexpected.param": 1 }, admin)).then(() => "prepared", (e: unknown) => e);
      if (outcome !== "prepared") expect(outcome).toBeInstanceOf(GatewayError);
    }
    expect(mem.gateway.router.names()).toEqual(DECLARED);
  });

  test("first and second call of a method answer alike: health, a refused params check, and agent's two frames", async () => {
    const { call } = await connected();
    const [first, second] = [await call("health"), await call("health")];
    expect(first.ok).toBe(true);
    expect(Object.keys(first.payload).sort()).toEqual(Object.keys(second.payload).sort());
    const [bad1, bad2] = [await call("cron.add", { bogus: 1 }), await call("cron.add", { bogus: 1 })];
    expect(bad1.error.code).toBe("INVALID_REQUEST");
    expect(bad1.error).toEqual(bad2.error);
    const accepted = await call("agent", { message: "hi", idempotencyKey: "k-1" });
    expect(accepted).toMatchObject({ ok: true, payload: { status: "accepted" } });
  });
});
