/**
 * config.* over a real socket with the reference client (spec §6): redacted
 * reads, the baseHash guard and its messages, merge patch with replacePaths,
 * full apply, schema lookup, hot application, restart requests, scopes and
 * the control-plane write budget.
 */
import { afterEach, describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { startTestGateway, TEST_TOKEN, type TestGateway } from "../../../harness/gateway.ts";
import { connectClient, type ConnectedClient } from "../../../harness/reference-client.ts";

const INITIAL = {
  gateway: { mode: "local", auth: { mode: "token", token: TEST_TOKEN }, remote: { token: "remote-secret-1" }, trustedProxies: ["10.0.0.1"] },
  channels: { telegram: { botToken: "kept-as-written" }, imessage: { cliPath: "imsg" } },
} as const;

const open: { gw: TestGateway; client: ConnectedClient }[] = [];
afterEach(async () => {
  for (const { gw, client } of open.splice(0)) {
    client.client.stop();
    await gw.stop();
  }
});

async function setup(scopes = ["operator.admin"]): Promise<{ gw: TestGateway; c: ConnectedClient["client"] }> {
  const gw = await startTestGateway({ config: INITIAL as any });
  const client = await connectClient({ url: gw.url, token: TEST_TOKEN, scopes });
  open.push({ gw, client });
  return { gw, c: client.client };
}

const fileOf = (gw: TestGateway) => JSON.parse(readFileSync(gw.configPath, "utf8"));
const refusal = (p: Promise<unknown>) => p.then(() => { throw new Error("expected a refusal"); }, (e) => e);

describe("config.get", () => {
  test("snapshot keys, hmac hash, secrets replaced by upstream's sentinel everywhere", async () => {
    const { gw, c } = await setup();
    const snap = await c.request<any>("config.get", {});
    for (const key of ["path", "exists", "raw", "parsed", "sourceConfig", "resolved", "valid", "runtimeConfig", "config", "hash", "issues", "warnings", "legacyIssues", "configRevisionHash", "appliedConfigHash"]) expect(snap).toHaveProperty(key);
    expect(snap).toMatchObject({ path: gw.configPath, exists: true, valid: true, issues: [] });
    expect(snap.hash).toMatch(/^hmac-sha256:v1:[A-Za-z0-9_-]{43}$/);
    expect(snap.parsed.gateway.auth.token).toBe("__OPENCLAW_REDACTED__");
    expect(snap.config.gateway.remote.token).toBe("__OPENCLAW_REDACTED__");
    expect(snap.raw).not.toContain(TEST_TOKEN);
    expect(snap.raw).not.toContain("remote-secret-1");
    expect(snap.warnings.map((w: any) => w.path)).toContain("channels.imessage");
  });
});

describe("writes: the baseHash guard (§6)", () => {
  test("no baseHash -> 'config base hash required; re-run config.get and retry' (set/apply), with paths for patch", async () => {
    const { gw, c } = await setup();
    const before = readFileSync(gw.configPath, "utf8");
    expect((await refusal(c.request("config.set", { raw: "{}" }))).message).toBe("config base hash required; re-run config.get and retry");
    expect((await refusal(c.request("config.apply", { raw: "{}" }))).message).toBe("config base hash required; re-run config.get and retry");
    expect((await refusal(c.request("config.patch", { raw: '{logging:{level:"debug"}}' }))).message).toBe("config base hash required for logging.level; re-run config.get and retry with baseHash");
    expect(readFileSync(gw.configPath, "utf8")).toBe(before);
  });

  test("a stale baseHash -> 'config changed since last load; re-run config.get and retry'", async () => {
    const { c } = await setup();
    const e = await refusal(c.request("config.patch", { raw: "{}", baseHash: "hmac-sha256:v1:stale" }));
    expect(e).toMatchObject({ gatewayCode: "INVALID_REQUEST", message: "config changed since last load; re-run config.get and retry" });
  });

  test("a raw config over 2 MiB -> refused unparsed with the size and the limit, nothing written", async () => {
    const { gw, c } = await setup();
    const before = readFileSync(gw.configPath, "utf8");
    const { hash } = await c.request<any>("config.get", {});
    const raw = JSON.stringify({ gateway: INITIAL.gateway, padding: "x".repeat(3 * 1024 * 1024) });
    expect((await refusal(c.request("config.set", { raw, baseHash: hash }))).message).toBe("config is too large (3.0 MiB); clawgate reads configs up to 2 MiB");
    expect((await refusal(c.request("config.apply", { raw, baseHash: hash }))).message).toBe("config is too large (3.0 MiB); clawgate reads configs up to 2 MiB");
    expect(readFileSync(gw.configPath, "utf8")).toBe(before);
  });

  test("bad JSON5 -> the parser's SyntaxError text; a non-object patch -> 'config.patch raw must be an object'", async () => {
    const { c } = await setup();
    const { hash } = await c.request<any>("config.get", {});
    expect((await refusal(c.request("config.set", { raw: "{jjj", baseHash: hash }))).message).toBe("SyntaxError: JSON5: invalid end of input at 1:5");
    expect((await refusal(c.request("config.patch", { raw: "[1]", baseHash: hash }))).message).toBe("config.patch raw must be an object");
  });

  test("an invalid value -> 'invalid config: …' with details.issues, nothing written", async () => {
    const { gw, c } = await setup();
    const before = readFileSync(gw.configPath, "utf8");
    const { hash } = await c.request<any>("config.get", {});
    const e = await refusal(c.request("config.patch", { raw: '{gateway:{bind:"nope"}}', baseHash: hash }));
    expect(e.message).toBe('invalid config: gateway.bind: Invalid input (allowed: "auto", "lan", "loopback", "custom", "tailnet")');
    expect(e.details.issues[0]).toMatchObject({ path: "gateway.bind", allowedValues: ["auto", "lan", "loopback", "custom", "tailnet"] });
    expect(readFileSync(gw.configPath, "utf8")).toBe(before);
  });

  test("extra params -> closed-object refusal", async () => {
    const { c } = await setup();
    expect((await refusal(c.request("config.patch", { raw: "{}", extra: 1 }))).message).toBe("invalid config.patch params: at root: unexpected property 'extra'");
  });
});

describe("config.patch", () => {
  test("merge -> changedPaths, new hash, unknown keys and secrets kept in the file, applied live", async () => {
    const { gw, c } = await setup();
    const { hash } = await c.request<any>("config.get", {});
    const res = await c.request<any>("config.patch", { raw: '{models:{providers:{local:{baseUrl:"http://127.0.0.1:9/v1",models:["m1"]}}}}', baseHash: hash });
    expect(res).toMatchObject({ ok: true, path: gw.configPath, changedPaths: ["models"], sentinel: { persisted: true, payload: { kind: "config-patch", status: "ok", stats: { requiresRestart: false } } } });
    expect(res.hash).not.toBe(hash);
    const file = fileOf(gw);
    expect(file.channels.telegram.botToken).toBe("kept-as-written");
    expect(file.gateway.auth.token).toBe(TEST_TOKEN);
    expect(file.models.providers.local.models).toEqual(["m1"]);
    const models = await c.request<any>("models.list", {});
    expect(models.models).toContainEqual({ id: "local/m1", name: "m1", provider: "local" });
    expect(readdirSync(gw.dir)).toContain("openclaw.json.bak");
  });

  test("removing array entries needs replacePaths", async () => {
    const { gw, c } = await setup();
    let { hash } = await c.request<any>("config.get", {});
    const e = await refusal(c.request("config.patch", { raw: "{gateway:{trustedProxies:[]}}", baseHash: hash }));
    expect(e.message).toStartWith("config.patch would remove entries from array path(s): gateway.trustedProxies.");
    const ok = await c.request<any>("config.patch", { raw: "{gateway:{trustedProxies:[]}}", baseHash: hash, replacePaths: ["gateway.trustedProxies"] });
    expect(ok.changedPaths).toEqual(["gateway.trustedProxies"]);
    expect(fileOf(gw).gateway.trustedProxies).toEqual([]);
    ({ hash } = await c.request<any>("config.get", {}));
    expect(hash).toBe(ok.hash);
  });

  test("a restart-kind key (gateway.port) -> written, and an in-place restart is requested", async () => {
    const { gw, c } = await setup();
    const { hash } = await c.request<any>("config.get", {});
    const res = await c.request<any>("config.patch", { raw: "{gateway:{port:19555}}", baseHash: hash });
    expect(res.sentinel.payload.stats.requiresRestart).toBe(true);
    expect(gw.restarts).toEqual(["config reload: gateway.port"]);
  });
});

describe("config.set / config.apply", () => {
  test("the redacted snapshot sent back keeps the stored secrets", async () => {
    const { gw, c } = await setup();
    const snap = await c.request<any>("config.get", {});
    const next = { ...snap.parsed, logging: { level: "debug" } };
    const res = await c.request<any>("config.set", { raw: JSON.stringify(next), baseHash: snap.hash });
    expect(res).toMatchObject({ ok: true, path: gw.configPath });
    expect(res.config.gateway.auth.token).toBe("__OPENCLAW_REDACTED__");
    const file = fileOf(gw);
    expect(file.gateway.auth.token).toBe(TEST_TOKEN);
    expect(file.gateway.remote.token).toBe("remote-secret-1");
    expect(file.logging.level).toBe("debug");
  });

  test("config.apply replaces the whole file and reports the sentinel", async () => {
    const { gw, c } = await setup();
    const snap = await c.request<any>("config.get", {});
    const res = await c.request<any>("config.apply", { raw: JSON.stringify({ ...snap.parsed, logging: { level: "warn" } }), baseHash: snap.hash, note: "tune" });
    expect(res).toMatchObject({ ok: true, sentinel: { payload: { kind: "config-apply", message: "tune" } } });
    expect(fileOf(gw).logging.level).toBe("warn");
  });

  test("a write that drops gateway.mode is refused and kept as .rejected.*", async () => {
    const { gw, c } = await setup();
    const snap = await c.request<any>("config.get", {});
    const { mode: _m, ...gateway } = snap.parsed.gateway;
    const e = await refusal(c.request("config.apply", { raw: JSON.stringify({ ...snap.parsed, gateway }), baseHash: snap.hash }));
    expect(e.message).toStartWith(`Config write rejected: ${gw.configPath} (gateway-mode-removed). Rejected payload saved to ${gw.configPath}.rejected.`);
    expect(readdirSync(gw.dir).some((f) => f.startsWith("openclaw.json.rejected."))).toBe(true);
    expect(fileOf(gw).gateway.mode).toBe("local");
  });
});

describe("schema", () => {
  test("config.schema and config.schema.lookup", async () => {
    const { c } = await setup();
    const schema = await c.request<any>("config.schema", {});
    expect(Object.keys(schema).sort()).toEqual(["generatedAt", "schema", "uiHints", "version"]);
    expect(schema.version).toBe("2026.9.6");
    expect(await c.request<any>("config.schema.lookup", { path: "gateway.port" })).toMatchObject({ path: "gateway.port", reloadKind: "restart", schema: { type: "integer" } });
    expect((await refusal(c.request("config.schema.lookup", { path: "nope.x" }))).message).toBe("config schema path not found");
  });
});

describe("scopes and budget (§5, §6)", () => {
  test("operator.read may read but not write", async () => {
    const { c } = await setup(["operator.read"]);
    const snap = await c.request<any>("config.get", {});
    const e = await refusal(c.request("config.set", { raw: "{}", baseHash: snap.hash }));
    expect(e).toMatchObject({ gatewayCode: "FORBIDDEN", message: "missing scope: operator.admin" });
  });

  test("the 31st config.patch in 60 s -> UNAVAILABLE rate limit with retryAfterMs", async () => {
    const { c } = await setup();
    for (let i = 0; i < 30; i++) {
      const { hash } = await c.request<any>("config.get", {});
      await c.request("config.patch", { raw: `{logging:{level:"${i % 2 ? "info" : "debug"}"}}`, baseHash: hash });
    }
    const { hash } = await c.request<any>("config.get", {});
    const e = await refusal(c.request("config.patch", { raw: "{}", baseHash: hash }));
    expect(e.gatewayCode).toBe("UNAVAILABLE");
    expect(e.message).toMatch(/^rate limit exceeded for config\.patch; retry after \d+s$/);
    expect(e.details).toEqual({ method: "config.patch", limit: "30 per 60s" });
  });
});
