/**
 * The router in memory (spec §5, §6): role first, then admin for unknown
 * methods, then the method's scope (or its session scope), then the closed
 * params schema, then a scope read from the params; a refused call never
 * reaches its handler.
 */
import { describe, expect, test } from "bun:test";
import { GatewayError } from "../../../core/protocol/errors.ts";
import { method, noParams, RoleError, Router, type Caller, type MethodDef, type PreparedCall } from "../../../core/rpc/router.ts";
import { effectiveScopes, type Role } from "../../../core/scopes/scopes.ts";
import { z } from "../../../core/zod.ts";

function caller(role: Role, scopes: string[]): Caller {
  return { connId: "conn-1", role, scopes, effective: effectiveScopes(scopes), clientId: "gateway-client", clientMode: "backend", authMethod: "token" };
}

/** A router whose handlers record what they were called with. */
function router() {
  const calls: [string, unknown][] = [];
  const r = new Router();
  const record = (name: string) => (params: unknown) => {
    calls.push([name, params]);
    return { ok: name };
  };
  r.add([
    method("health", noParams, record("health")),
    method("status", noParams, record("status")),
    method("config.set", z.strictObject({ raw: z.string() }), record("config.set")),
    method("chat.history", z.strictObject({ sessionKey: z.string() }), record("chat.history")),
    method("node.event", z.strictObject({ event: z.string() }), record("node.event")),
    method("node.invoke", z.strictObject({ command: z.string() }), record("node.invoke"), (p) => (p.command.startsWith("system.") ? "operator.admin" : undefined)),
  ]);
  return { r, calls };
}

/** Runs one call; the answer or the refusal as code, details.code and message. */
function call(r: Router, name: string, params: unknown, who: Caller): unknown {
  try {
    const prepared = r.prepare(name, params, who);
    if (prepared instanceof Promise) throw new Error(`${name} was added, yet its call is pending`);
    return prepared();
  } catch (error) {
    if (!(error instanceof GatewayError)) throw error;
    return { code: error.shape.code, detail: error.shape.details?.code, message: error.shape.message, role: error instanceof RoleError };
  }
}

describe("router (§5 order)", () => {
  test("a method with access none -> answered for any role, even a node", () => {
    const { r, calls } = router();
    expect(call(r, "health", {}, caller("node", []))).toEqual({ ok: "health" });
    expect(calls).toEqual([["health", {}]]);
  });

  test("a node calling an operator method -> unauthorized role: node (a RoleError), before any scope or params check", () => {
    const { r, calls } = router();
    expect(call(r, "config.set", { bogus: 1 }, caller("node", ["operator.admin"]))).toEqual({ code: "INVALID_REQUEST", detail: undefined, message: "unauthorized role: node", role: true });
    expect(call(r, "no.such.method", {}, caller("node", []))).toMatchObject({ message: "unauthorized role: node", role: true });
    expect(calls).toEqual([]);
  });

  test("an operator calling a node-role method -> unauthorized role: operator; the node itself passes", () => {
    const { r } = router();
    expect(call(r, "node.event", { event: "x" }, caller("operator", ["operator.admin"]))).toMatchObject({ message: "unauthorized role: operator", role: true });
    expect(call(r, "node.event", { event: "x" }, caller("node", []))).toEqual({ ok: "node.event" });
  });

  test("an unknown method -> MISSING_SCOPE operator.admin without admin, unknown method with it", () => {
    const { r } = router();
    expect(call(r, "no.such.method", {}, caller("operator", ["operator.write"]))).toEqual({ code: "FORBIDDEN", detail: "MISSING_SCOPE", message: "missing scope: operator.admin", role: false });
    expect(call(r, "no.such.method", {}, caller("operator", ["operator.admin"]))).toEqual({ code: "INVALID_REQUEST", detail: undefined, message: "unknown method: no.such.method", role: false });
  });

  test("a missing method scope -> MISSING_SCOPE before the params are validated; write implies read; admin implies all", () => {
    const { r, calls } = router();
    expect(call(r, "config.set", { bogus: 1 }, caller("operator", ["operator.write"]))).toMatchObject({ code: "FORBIDDEN", detail: "MISSING_SCOPE", message: "missing scope: operator.admin" });
    expect(call(r, "status", {}, caller("operator", ["operator.write"]))).toEqual({ ok: "status" });
    expect(call(r, "config.set", { raw: "{}" }, caller("operator", ["operator.admin"]))).toEqual({ ok: "config.set" });
    expect(calls.map(([name]) => name)).toEqual(["status", "config.set"]);
  });

  test("a session scope admits its chat/session methods (§5 *); without either, the operator scope is named", () => {
    const { r } = router();
    expect(call(r, "chat.history", { sessionKey: "main" }, caller("operator", ["operator.sessions.read"]))).toEqual({ ok: "chat.history" });
    expect(call(r, "chat.history", { sessionKey: "main" }, caller("operator", []))).toMatchObject({ message: "missing scope: operator.read" });
  });

  test("params outside the closed schema -> INVALID_REQUEST invalid <method> params, the handler not called", () => {
    const { r, calls } = router();
    const refused = call(r, "config.set", { raw: "{}", extra: true }, caller("operator", ["operator.admin"])) as { code: string; message: string };
    expect(refused.code).toBe("INVALID_REQUEST");
    expect(refused.message).toStartWith("invalid config.set params: ");
    expect(calls).toEqual([]);
  });

  test("a scope read from the params (node.invoke system.*) -> MISSING_SCOPE operator.admin after validation; other commands pass with write", () => {
    const { r } = router();
    const writer = caller("operator", ["operator.write"]);
    expect(call(r, "node.invoke", { command: "system.run" }, writer)).toMatchObject({ detail: "MISSING_SCOPE", message: "missing scope: operator.admin" });
    expect(call(r, "node.invoke", { command: "canvas.present" }, writer)).toEqual({ ok: "node.invoke" });
  });

  test("a method registered twice -> refused at registration", () => {
    const { r } = router();
    expect(() => r.add([method("health", noParams, () => null)])).toThrow("method registered twice: health");
  });
});

describe("router: a method group loaded on its first call", () => {
  const NAMES = ["status", "config.set", "node.event"];

  /** A router with one lazy group; `loads` counts imports, `fail` makes the next one reject. */
  function lazyRouter(defs: () => readonly MethodDef<any>[] = () => [
    method("status", noParams, () => ({ ok: "status" })),
    method("config.set", z.strictObject({ raw: z.string() }), (p) => ({ ok: p.raw })),
    method("node.event", z.strictObject({ event: z.string() }), () => ({ ok: "node.event" })),
  ]) {
    const state = { loads: 0, fail: false };
    const r = new Router();
    r.add([method("health", noParams, () => ({ ok: "health" }))]);
    r.addLazy(NAMES, async () => {
      state.loads++;
      if (state.fail) {
        state.fail = false;
        throw new Error("import failed");
      }
      return defs();
    });
    return { r, state };
  }

  /** Runs one call, awaiting the load; the answer or the refusal as code and message. */
  async function callAsync(r: Router, name: string, params: unknown, who: Caller): Promise<unknown> {
    try {
      const prepared: PreparedCall = await r.prepare(name, params, who);
      return prepared();
    } catch (error) {
      if (!(error instanceof GatewayError)) throw error;
      return { code: error.shape.code, message: error.shape.message };
    }
  }

  test("names are known before loading, in the group's order after the eager ones; loading keeps that order", async () => {
    const { r } = lazyRouter();
    expect(r.names()).toEqual(["health", ...NAMES]);
    await callAsync(r, "status", {}, caller("operator", ["operator.read"]));
    expect(r.names()).toEqual(["health", ...NAMES]);
  });

  test("refusals (role, unknown method, missing scope) come before the group is loaded", async () => {
    const { r, state } = lazyRouter();
    expect(call(r, "config.set", { raw: "{}" }, caller("operator", ["operator.write"]))).toMatchObject({ code: "FORBIDDEN", message: "missing scope: operator.admin" });
    expect(call(r, "status", {}, caller("node", []))).toMatchObject({ message: "unauthorized role: node", role: true });
    expect(call(r, "node.event", { event: "x" }, caller("operator", ["operator.admin"]))).toMatchObject({ message: "unauthorized role: operator", role: true });
    expect(call(r, "no.such.method", {}, caller("operator", ["operator.admin"]))).toMatchObject({ message: "unknown method: no.such.method" });
    expect(state.loads).toBe(0);
  });

  test("first calls -> one load shared by concurrent calls; later calls are prepared at once", async () => {
    const { r, state } = lazyRouter();
    const admin = caller("operator", ["operator.admin"]);
    expect(r.prepare("status", {}, admin)).toBeInstanceOf(Promise);
    const answers = await Promise.all([callAsync(r, "status", {}, admin), callAsync(r, "config.set", { raw: "a" }, admin)]);
    expect(answers).toEqual([{ ok: "status" }, { ok: "a" }]);
    expect(state.loads).toBe(1);
    expect(call(r, "config.set", { raw: "b" }, admin)).toEqual({ ok: "b" });
    expect(call(r, "node.event", { event: "x" }, caller("node", []))).toEqual({ ok: "node.event" });
    expect(state.loads).toBe(1);
  });

  test("bad params on the first call -> the same INVALID_REQUEST as once loaded", async () => {
    const { r } = lazyRouter();
    const admin = caller("operator", ["operator.admin"]);
    const first = await callAsync(r, "config.set", { raw: 1 }, admin);
    expect(first).toMatchObject({ code: "INVALID_REQUEST" });
    expect(call(r, "config.set", { raw: 1 }, admin)).toMatchObject(first as object);
  });

  test("a failed load -> that call fails; the next call loads again", async () => {
    const { r, state } = lazyRouter();
    state.fail = true;
    const reader = caller("operator", ["operator.read"]);
    await expect(callAsync(r, "status", {}, reader)).rejects.toThrow("import failed");
    expect(await callAsync(r, "status", {}, reader)).toEqual({ ok: "status" });
    expect(state.loads).toBe(2);
  });

  test("a group that defines other names than it declares -> its calls fail naming both lists", async () => {
    const { r } = lazyRouter(() => [method("status", noParams, () => null)]);
    await expect(callAsync(r, "status", {}, caller("operator", ["operator.read"]))).rejects.toThrow("method group declares status, config.set, node.event but defines status");
  });

  test("a lazy name already registered, or missing from the method table -> refused at registration", () => {
    const r = new Router();
    r.add([method("health", noParams, () => null)]);
    expect(() => r.addLazy(["health"], async () => [])).toThrow("method registered twice: health");
    expect(() => r.addLazy(["no.such.method"], async () => [])).toThrow("method no.such.method has no entry in METHOD_ACCESS");
  });
});
