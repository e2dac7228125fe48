/** Scope implication and the method table (spec §5). */
import { describe, expect, test } from "bun:test";
import { z } from "zod";
import { accessOf } from "../../../core/scopes/method-scopes.ts";
import { effectiveScopes, scopesWithin } from "../../../core/scopes/scopes.ts";
import { method, Router, type Caller } from "../../../core/rpc/router.ts";

const caller = (scopes: string[], role: "operator" | "node" = "operator"): Caller => ({
  connId: "c", role, scopes, effective: effectiveScopes(scopes), clientId: "cli", clientMode: "cli", authMethod: "token",
});

describe("implication (§5)", () => {
  test("admin implies everything", () => expect(effectiveScopes(["operator.admin"]).size).toBe(10));
  test("write implies read, talk and sessions but not pairing/approvals/questions", () => {
    const s = effectiveScopes(["operator.write"]);
    for (const x of ["operator.read", "operator.talk", "operator.sessions.read", "operator.sessions.write"]) expect(s.has(x as any)).toBe(true);
    for (const x of ["operator.pairing", "operator.approvals", "operator.questions", "operator.talk.secrets", "operator.admin"]) expect(s.has(x as any)).toBe(false);
  });
  test("unknown scope strings are ignored", () => expect([...effectiveScopes(["bogus", "operator.read"])].sort()).toEqual(["operator.read", "operator.sessions.read"]));
  test("scopesWithin: a grant covers what it implies", () => {
    expect(scopesWithin(["operator.read"], ["operator.write"])).toBe(true);
    expect(scopesWithin(["operator.admin"], ["operator.write"])).toBe(false);
  });
});

describe("method table and router order (§5)", () => {
  const router = new Router();
  router.add([
    method("health", z.strictObject({}), () => "h"),
    method("status", z.strictObject({}), () => "s"),
    method("system-event", z.strictObject({ text: z.string() }), () => "e"),
  ]);
  const run = (name: string, params: unknown, c: Caller) => {
    try {
      return (router.prepare(name, params, c) as () => unknown)();
    } catch (e: any) {
      return e.shape;
    }
  };
  test("health needs nothing, not even a role check", () => expect(run("health", {}, caller([], "node"))).toBe("h"));
  test("read scope calls status; admin method -> MISSING_SCOPE operator.admin", () => {
    expect(run("status", {}, caller(["operator.read"]))).toBe("s");
    expect(run("system-event", { text: "x" }, caller(["operator.read"]))).toEqual({ code: "FORBIDDEN", message: "missing scope: operator.admin", details: { code: "MISSING_SCOPE", missingScope: "operator.admin", requiredScopes: ["operator.admin"] } });
  });
  test("unknown method: admin -> unknown method, others -> MISSING_SCOPE", () => {
    expect(run("nope", {}, caller(["operator.admin"]))).toEqual({ code: "INVALID_REQUEST", message: "unknown method: nope" });
    expect(run("nope", {}, caller(["operator.write"])).details.missingScope).toBe("operator.admin");
  });
  test("operator methods from a node -> unauthorized role: node", () => expect(run("status", {}, caller([], "node")).message).toBe("unauthorized role: node"));
  test("bad params -> invalid <method> params with validator text", () => {
    expect(run("system-event", { text: 1 }, caller(["operator.admin"])).message).toBe("invalid system-event params: at /text: must be string");
    expect(run("status", { x: 1 }, caller(["operator.admin"])).message).toBe("invalid status params: at root: unexpected property 'x'");
  });
  test("null params are read as {}", () => expect(run("status", null, caller(["operator.read"]))).toBe("s"));
  test("unlisted methods default to admin in the table", () => expect(accessOf("anything.else")).toBe("operator.admin"));
  test("a method missing from the table cannot be declared", () => expect(() => method("not.in.table", z.strictObject({}), () => 1)).toThrow("METHOD_ACCESS"));
});
