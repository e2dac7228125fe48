/**
 * Hook mappings as pure logic (upstream docs/gateway/config-hooks.md
 * "Mapping details", "Hook retries and fan-out"): templates, first match,
 * fan-out with its 200-item cap, transform overrides and upstream's texts for
 * an action that cannot run. Transforms here are plain functions; the
 * conformance suite loads real module files.
 */
import { describe, expect, test } from "bun:test";
import { applyHookMappings, hasEffectiveTemplatedSessionKey, resolveHookMappings, type HookMappingConfig, type HookTransform } from "../../../core/hooks/mappings.ts";
import { presetMappings } from "../../../core/hooks/presets.ts";
import { renderTemplate, type HookContext } from "../../../core/hooks/templates.ts";

const NOW = Date.UTC(2026, 0, 2, 3, 4, 5);
const now = () => NOW;
const ctx = (payload: Record<string, unknown>, path = "github", headers: Record<string, string> = {}, query = ""): HookContext => ({ payload, headers, url: new URL(`http://127.0.0.1/hooks/${path}${query}`), path });
const noTransforms = () => Promise.reject(new Error("no transform expected"));
const apply = (mappings: HookMappingConfig[], c: HookContext, transforms: Record<string, HookTransform> = {}) =>
  applyHookMappings(resolveHookMappings(mappings), c, async (ref) => transforms[ref.module] ?? (await noTransforms()), now);

describe("templates", () => {
  const c = ctx({ repo: { name: "clawgate" }, commits: [{ message: "fix" }, { message: "two" }], n: 7, ok: false, nil: null, obj: { a: 1 } }, "github/push", { "x-event": "push" }, "?kind=ci");
  const cases: [string, string][] = [
    ["{{repo.name}}", "clawgate"],
    ["{{payload.repo.name}}", "clawgate"],
    ["{{ commits[1].message }}", "two"],
    ["{{headers.x-event}}", "push"],
    ["{{query.kind}}", "ci"],
    ["{{path}}", "github/push"],
    ["{{now}}", "2026-01-02T03:04:05.000Z"],
    ["{{n}} {{ok}}", "7 false"],
    ["[{{missing.deep}}][{{nil}}][{{commits[9].message}}]", "[][][]"],
    ["{{obj}}", '{"a":1}'],
    ["{{repo.__proto__}}{{constructor}}", ""],
  ];
  for (const [template, rendered] of cases) test(`${template} -> ${JSON.stringify(rendered)}`, () => expect(renderTemplate(template, c, now)).toBe(rendered));
});

describe("matching", () => {
  const mappings: HookMappingConfig[] = [
    { id: "push", match: { path: "/github/", source: "push" }, messageTemplate: "push {{ref}}" },
    { match: { path: "github" }, action: "wake", textTemplate: "other {{source}}" },
  ];

  test("the first mapping whose path and source both pass owns the request; ids default to mapping-<n>", async () => {
    expect(await apply(mappings, ctx({ source: "push", ref: "main" }))).toEqual({
      ok: true, fanout: false, dropped: 0,
      actions: [{ kind: "agent", mappingId: "push", message: "push main", name: undefined, agentId: undefined, wakeMode: "now", sessionKey: undefined, sessionKeySource: undefined, sessionMode: "isolated", deliver: undefined, allowUnsafeExternalContent: undefined, channel: undefined, to: undefined, model: undefined, thinking: undefined, timeoutSeconds: undefined }],
    });
    expect(await apply(mappings, ctx({ source: "issue" }))).toEqual({ ok: true, fanout: false, dropped: 0, actions: [{ kind: "wake", mappingId: "mapping-2", text: "other issue", mode: "now", agentId: undefined, sessionKey: undefined, sessionKeySource: undefined }] });
  });

  test("no mapping for the path -> null (404)", async () => {
    expect(await apply(mappings, ctx({}, "gitlab"))).toBeNull();
  });

  test("an action that cannot run -> upstream's text", async () => {
    const refused = async (m: HookMappingConfig, payload: Record<string, unknown> = {}) => apply([m], ctx(payload));
    expect(await refused({ messageTemplate: "{{nothing}}" })).toEqual({ ok: false, error: "hook mapping requires message" });
    expect(await refused({ action: "wake", textTemplate: " " })).toEqual({ ok: false, error: "hook mapping requires text" });
    expect(await refused({ action: "wake", textTemplate: "t", wakeMode: "next-heartbeat", sessionKey: "hook:x" })).toEqual({ ok: false, error: "hook mapping sessionKey requires wakeMode=now" });
    expect(await refused({ messageTemplate: "m", sessionKey: "{{id}}" })).toEqual({ ok: false, error: "hook mapping sessionKey template rendered empty" });
  });

  test("a templated key is caller-derived, a fixed one static", async () => {
    const result = await apply([{ messageTemplate: "m", sessionKey: "hook:{{id}}" }], ctx({ id: 42 }));
    expect(result).toMatchObject({ ok: true, actions: [{ sessionKey: "hook:42", sessionKeySource: "templated" }] });
    expect(await apply([{ messageTemplate: "m", sessionKey: " hook:fixed " }], ctx({}))).toMatchObject({ ok: true, actions: [{ sessionKey: "hook:fixed", sessionKeySource: "static" }] });
  });
});

describe("fan-out", () => {
  const mapping: HookMappingConfig = { match: { path: "alerts" }, forEach: "items", messageTemplate: "{{items[0].name}} of {{items.length}}{{total}}" };

  test("one action per item, each seeing the payload with the array replaced by [item]", async () => {
    const result = await apply([mapping], ctx({ items: [{ name: "cpu" }, { name: "disk" }], total: "/2" }, "alerts"));
    expect(result).toMatchObject({ ok: true, fanout: true, dropped: 0, actions: [{ message: "cpu of 1/2" }, { message: "disk of 1/2" }] });
  });

  test("missing, empty or non-array -> no actions", async () => {
    for (const items of [undefined, [], "cpu", { 0: "x" }]) expect(await apply([mapping], ctx({ items }, "alerts"))).toEqual({ ok: true, fanout: true, dropped: 0, actions: [] });
  });

  test("past 200 items the rest are dropped and counted", async () => {
    const items = Array.from({ length: 203 }, (_, i) => ({ name: `a${i}` }));
    const result = await apply([mapping], ctx({ items }, "alerts"));
    expect(result).toMatchObject({ ok: true, dropped: 3 });
    expect(result!.ok && result!.actions.length).toBe(200);
  });
});

describe("transforms", () => {
  const mapping: HookMappingConfig = { match: { path: "x" }, messageTemplate: "base {{n}}", name: "Base", transform: { module: "t.mjs" } };

  test("the transform sees payload, headers, url and path and overrides what it returns", async () => {
    let seen: HookContext | undefined;
    const t: HookTransform = (c) => ((seen = c), { message: `shaped ${String(c.payload.n)}`, sessionKey: "hook:t", model: "up/m" });
    const result = await apply([mapping], ctx({ n: 1 }, "x", { "x-k": "v" }, "?q=z"), { "t.mjs": t });
    expect(result).toMatchObject({ ok: true, actions: [{ kind: "agent", message: "shaped 1", name: "Base", sessionKey: "hook:t", sessionKeySource: "templated", model: "up/m" }] });
    expect(seen!.headers["x-k"]).toBe("v");
    expect(seen!.url.searchParams.get("q")).toBe("z");
    expect(seen!.path).toBe("x");
  });

  test("null drops the action (204); undefined keeps the mapping's; kind wake turns it into a wake; static is honoured only when marked", async () => {
    expect(await apply([mapping], ctx({ n: 1 }, "x"), { "t.mjs": () => null })).toEqual({ ok: true, fanout: false, dropped: 0, actions: [] });
    expect(await apply([mapping], ctx({ n: 2 }, "x"), { "t.mjs": async () => undefined })).toMatchObject({ ok: true, actions: [{ message: "base 2" }] });
    expect(await apply([mapping], ctx({}, "x"), { "t.mjs": () => ({ kind: "wake", text: "woken", mode: "next-heartbeat" }) })).toMatchObject({ ok: true, actions: [{ kind: "wake", text: "woken", mode: "next-heartbeat" }] });
    expect(await apply([mapping], ctx({}, "x"), { "t.mjs": () => ({ sessionKey: "hook:s", sessionKeySource: "static" }) })).toMatchObject({ ok: true, actions: [{ sessionKeySource: "static" }] });
  });

  test("a transform that throws propagates (the route answers 500)", async () => {
    await expect(apply([mapping], ctx({}, "x"), { "t.mjs": () => { throw new Error("kaboom"); } })).rejects.toThrow("kaboom");
  });
});

describe("presets", () => {
  test("gmail: one mapping on /gmail, fan-out over messages, templated key; its unsafe flag follows hooks.gmail", () => {
    expect(presetMappings(["gmail", "nope"], undefined)).toEqual([expect.objectContaining({ id: "gmail", match: { path: "gmail" }, forEach: "messages", sessionKey: "hook:gmail:{{messages[0].id}}" })]);
    expect(presetMappings(["gmail"], { allowUnsafeExternalContent: false })[0]!.allowUnsafeExternalContent).toBe(false);
    expect(presetMappings(undefined, undefined)).toEqual([]);
  });

  test("a templated key counts only where no earlier mapping always wins", () => {
    const gmail = presetMappings(["gmail"], undefined);
    expect(hasEffectiveTemplatedSessionKey(resolveHookMappings(gmail))).toBe(true);
    expect(hasEffectiveTemplatedSessionKey(resolveHookMappings([{ match: { path: "gmail" }, sessionKey: "hook:gmail", messageTemplate: "m" }, ...gmail]))).toBe(false);
    expect(hasEffectiveTemplatedSessionKey(resolveHookMappings([{ match: { path: "gmail", source: "x" }, messageTemplate: "m" }, ...gmail]))).toBe(true);
  });
});
