/**
 * Hook mappings, presets and transforms (upstream docs/gateway/config-hooks.md
 * "Mapping details", "Hook retries and fan-out", "Gmail integration") on every
 * shim: the CLI gateway under Bun and under Node, driven with fetch over real
 * sockets, a local OpenAI-compatible model server behind the agents, and
 * transform modules as real files (and a real symlink) under the config
 * dir's `hooks/transforms`. Templates, first match, fan-out and its batch
 * answer, the policy refusals, the Gmail preset with a watcher's payload,
 * transform overrides, 500s, and hot reload of mappings and transform code.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { serializeConfig } from "../../core/config/document.ts";
import type { OpenClawConfig } from "../../core/config/schema.ts";
import { TEST_TOKEN } from "../harness/gateway.ts";
import { startUpstream, type FakeUpstream } from "../harness/openai-upstream.ts";
import { waitFor } from "../harness/reference-client.ts";
import { RESTART_TIMEOUT_MS, RUNTIMES, startRuntimeGateway, type RuntimeGateway } from "../harness/runtimes.ts";
import { waitForStatus } from "../harness/wait-for-status.ts";

const HOOK_TOKEN = "hook-token-0123456789abcdef";
type Hooks = NonNullable<OpenClawConfig["hooks"]>;

const MAPPINGS: NonNullable<Hooks["mappings"]> = [
  {
    id: "github-push", match: { path: "github", source: "push" }, agentId: "ops", deliver: false,
    name: "GitHub {{repository.name}}", sessionKey: "hook:github:{{repository.name}}",
    messageTemplate: "push-marker {{repository.full_name}} by {{headers.x-github-actor}} ({{query.kind}}): {{commits[0].message}} at {{path}}",
  },
  { match: { path: "github" }, action: "wake", agentId: "ops", textTemplate: "GitHub event {{headers.x-github-event}}" },
  { match: { path: "alerts" }, agentId: "ops", forEach: "alerts", deliver: false, messageTemplate: "alert-marker {{alerts[0].name}}" },
  { match: { path: "static" }, agentId: "ghost", sessionKey: "hook:static", sessionMode: "persistent", model: "up/words", deliver: false, allowUnsafeExternalContent: true, messageTemplate: "static-marker {{n}}" },
  { match: { path: "empty" }, messageTemplate: "{{nothing}}" },
  { match: { path: "vault" }, agentId: "vault", messageTemplate: "x" },
  { match: { path: "keyed" }, sessionKey: "{{key}}", messageTemplate: "x" },
  { match: { path: "chan" }, channel: "matrix", messageTemplate: "x" },
  { match: { path: "tg" }, channel: "telegram", to: "{{chat}}", messageTemplate: "x" },
  { match: { path: "xform" }, agentId: "ops", deliver: false, messageTemplate: "base", transform: { module: "shape.mjs" } },
  { match: { path: "boom" }, transform: { module: "boom.mjs" } },
  { match: { path: "escape" }, transform: { module: "link/evil.mjs" } },
];

const SHAPE_V1 = `export default ({ payload, headers, url, path }) =>
  payload.skip ? null : { message: \`shaped-marker \${payload.n} \${headers["x-k"]} \${url.searchParams.get("q")} \${path}\`, name: "Shaped" };
`;
const SHAPE_V2 = `export default ({ payload }) => ({ message: \`reshaped-marker \${payload.n}\` });
export function toWake({ payload }) { return { kind: "wake", text: \`transform-wake \${payload.n}\` }; }
`;

describe.each(RUNTIMES)("%s gateway", (runtime) => {
  let upstream: FakeUpstream;
  let gw: RuntimeGateway;
  let base: string;
  let config: OpenClawConfig;
  let outside: string;
  let transforms: string;
  let home: string;

  beforeAll(async () => {
    upstream = startUpstream({ words: { pieces: ["Noted."] }, mail: { pieces: ["Filed."] } });
    config = {
      // Written out (the harness would add the same), so a rewrite of the file keeps the listener's auth.
      gateway: { auth: { mode: "token", token: TEST_TOKEN } },
      hooks: {
        enabled: true, token: HOOK_TOKEN, allowedAgentIds: ["main", "ops"], allowRequestSessionKey: true, allowedSessionKeyPrefixes: ["hook:"],
        presets: ["gmail"], gmail: { account: "reader@example.com", topic: "projects/p/topics/gog-gmail-watch", model: "up/mail" }, mappings: MAPPINGS,
      },
      models: { providers: { up: { baseUrl: upstream.baseUrl, models: ["words", "mail"] } } },
      agents: { list: [{ id: "main", default: true }, { id: "ops", model: "up/words" }, { id: "vault" }] },
    };
    // A home whose path has a space and a '#', which the runtime's module import must not misread as a URL.
    home = mkdtempSync(join(tmpdir(), "clawgate hooks #"));
    gw = await startRuntimeGateway(runtime, { config, dir: home });
    base = `http://127.0.0.1:${gw.port}`;
    transforms = join(gw.stateDir, "hooks", "transforms");
    mkdirSync(transforms, { recursive: true });
    writeFileSync(join(transforms, "shape.mjs"), SHAPE_V1);
    writeFileSync(join(transforms, "boom.mjs"), `export default () => { throw new Error("kaboom"); };\n`);
    // A module outside the root, reached through a link inside it: it records whether it ever ran.
    outside = mkdtempSync(join(tmpdir(), "clawgate-outside-"));
    writeFileSync(join(outside, "evil.mjs"), `import { writeFileSync } from "node:fs";\nwriteFileSync(new URL("./ran", import.meta.url), "yes");\nexport default () => ({ message: "evil" });\n`);
    symlinkSync(outside, join(transforms, "link"));
  }, RESTART_TIMEOUT_MS);

  afterAll(async () => {
    await gw?.stop();
    upstream?.stop();
    for (const dir of [outside, home]) if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const AUTH = { authorization: `Bearer ${HOOK_TOKEN}` };
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(base + path, { method: "POST", headers: { "content-type": "application/json", ...AUTH, ...headers }, body: typeof body === "string" ? body : JSON.stringify(body) });
  const answer = async (res: Response) => ({ status: res.status, body: await res.text() });
  const refused = (error: string, status = 400) => ({ status, body: JSON.stringify({ ok: false, error }) });
  const modelCalls = (marker: string) => upstream.requests.filter((r) => JSON.stringify(r.body.messages).includes(marker));
  const lastPrompt = (marker: string): string => modelCalls(marker).at(-1)!.body.messages.at(-1).content.map((p: { text: string }) => p.text).join("");
  const ended = (runId: string) => waitFor(() => gw.store.getRun(runId)?.status === "ok", 10_000);
  const log = () => readFileSync(gw.logFile, "utf8");
  const writeHooks = (hooks: Hooks) => writeFileSync(join(gw.stateDir, "openclaw.json"), serializeConfig({ ...config, hooks }), { mode: 0o600 });

  describe("mappings", () => {
    test("a push renders payload, header, query and path into an agent run in its templated session, wrapped as webhook content", async () => {
      const res = await post("/hooks/github?kind=ci", { source: "push", repository: { name: "clawgate", full_name: "me/clawgate" }, commits: [{ message: "fix hooks" }] }, { "x-github-actor": "octo" });
      const body = await res.json();
      expect(body).toEqual({ ok: true, runId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
      await ended(body.runId);
      expect(gw.store.getRun(body.runId)!.sessionKey).toBe(`agent:ops:hook:github:clawgate:run:${body.runId}`);
      const prompt = lastPrompt("push-marker");
      expect(prompt).toContain("Source: Webhook\nTask: GitHub clawgate\n---\npush-marker me/clawgate by octo (ci): fix hooks at github\n<<<END_EXTERNAL_UNTRUSTED_CONTENT");
    });

    test("another source falls to the next mapping for the path: a wake with the header in its text", async () => {
      expect(await (await post("/hooks/github", { source: "issues" }, { "x-github-event": "issues" })).json()).toEqual({ ok: true, mode: "now", eventOutcome: "queued" });
      await waitFor(() => modelCalls("System: GitHub event issues").length === 1, 10_000);
      await waitFor(() => gw.store.listRuns("running").length === 0, 10_000);
    });

    test("no mapping for the path -> 404 Not Found; /hooks/agent stays the direct endpoint", async () => {
      expect(await answer(await post("/hooks/gitlab", { source: "push" }))).toEqual({ status: 404, body: "Not Found" });
      expect(await answer(await post("/hooks/agent", {}))).toEqual(refused("message required"));
    });

    test("forEach: one run per item, the batch answer lists every run; a retried batch replays them; no items -> 204", async () => {
      const batch = { alerts: [{ name: "cpu" }, { name: "disk" }] };
      const body = await (await post("/hooks/alerts", batch)).json();
      expect(body).toEqual({ ok: true, runId: body.runIds[0], runIds: [expect.any(String), expect.any(String)], dispatched: 2 });
      for (const runId of body.runIds) await ended(runId);
      expect(modelCalls("alert-marker cpu")).toHaveLength(1);
      expect(modelCalls("alert-marker disk")).toHaveLength(1);
      expect(await (await post("/hooks/alerts", batch)).json()).toEqual(body);
      expect(modelCalls("alert-marker cpu")).toHaveLength(1);
      // A single item keeps the single-run answer.
      expect(Object.keys(await (await post("/hooks/alerts", { alerts: [{ name: "one" }] })).json())).toEqual(["ok", "runId"]);
      for (const alerts of [[], undefined, "cpu"]) expect(await answer(await post("/hooks/alerts", { alerts }))).toEqual({ status: 204, body: "" });
    });

    test("a static persistent key needs no caller opt-in; an unknown mapping agent falls back to the default; unsafe content goes unwrapped", async () => {
      const body = await (await post("/hooks/static", { n: 5 })).json();
      await ended(body.runId);
      expect(gw.store.getRun(body.runId)!.sessionKey).toBe("agent:main:hook:static");
      const prompt = lastPrompt("static-marker 5");
      expect(prompt).toBe(`[cron:${body.runId} Hook] static-marker 5`);
    });

    test("actions the policy refuses -> 400 with upstream's texts, and no run", async () => {
      const before = upstream.requests.length;
      expect(await answer(await post("/hooks/empty", {}))).toEqual(refused("hook mapping requires message"));
      expect(await answer(await post("/hooks/vault", {}))).toEqual(refused("agentId is not allowed by hooks.allowedAgentIds"));
      expect(await answer(await post("/hooks/keyed", { key: "cron:evil" }))).toEqual(refused("sessionKey must start with one of: hook:"));
      expect(await answer(await post("/hooks/keyed", {}))).toEqual(refused("hook mapping sessionKey template rendered empty"));
      expect(await answer(await post("/hooks/chan", {}))).toEqual(refused("channel must be last|telegram|discord|slack|whatsapp"));
      expect(await answer(await post("/hooks/tg", { chat: "42" }))).toEqual(refused("Channel telegram is unavailable."));
      expect(upstream.requests.length).toBe(before);
    });
  });

  describe("gmail preset", () => {
    test("a watcher's push: one isolated run per message keyed by its id, as email content on hooks.gmail.model", async () => {
      const push = {
        account: "reader@example.com",
        historyId: "9876543",
        messages: [
          { id: "18c0a1f2e3d4", threadId: "18c0a1f2e3d4", from: "Alice <alice@example.com>", to: "reader@example.com", subject: "Invoice 42", date: "Tue, 1 Dec 2026 09:15:00 +0000", snippet: "Please find attached", body: "gmail-marker one: the invoice is due Friday.", labels: ["INBOX", "UNREAD"] },
          { id: "18c0a1f2e3d5", threadId: "18c0a1f2e3d5", from: "bob@example.com", subject: "Lunch?", snippet: "Are you free", body: "gmail-marker two", labels: ["INBOX"] },
        ],
      };
      const body = await (await post("/hooks/gmail", push)).json();
      expect(body).toMatchObject({ ok: true, dispatched: 2 });
      for (const runId of body.runIds) await ended(runId);
      expect(gw.store.getRun(body.runIds[0])!.sessionKey).toBe(`agent:main:hook:gmail:18c0a1f2e3d4:run:${body.runIds[0]}`);
      expect(gw.store.getRun(body.runIds[1])!.sessionKey).toBe(`agent:main:hook:gmail:18c0a1f2e3d5:run:${body.runIds[1]}`);
      expect(modelCalls("gmail-marker one").map((r) => r.model)).toEqual(["mail"]);
      expect(lastPrompt("gmail-marker one")).toContain("Source: Email\nTask: Gmail\n---\nNew email from Alice <alice@example.com>\nSubject: Invoice 42\nPlease find attached\ngmail-marker one: the invoice is due Friday.\n<<<END_EXTERNAL");
    });

    test("Gmail's path reads a body past 256 KiB; any other path refuses it (413)", async () => {
      const big = { messages: [], pad: "x".repeat(300 * 1024) };
      expect(await answer(await post("/hooks/gmail", big))).toEqual({ status: 204, body: "" });
      expect(await answer(await post("/hooks/alerts", big))).toEqual(refused("payload too large", 413));
    });
  });

  describe("transforms", () => {
    test("a module under hooks/transforms shapes the action from payload, headers, url and path; null -> 204", async () => {
      const body = await (await post("/hooks/xform?q=z", { n: 7 }, { "x-k": "v" })).json();
      await ended(body.runId);
      expect(lastPrompt("shaped-marker")).toContain("Task: Shaped\n---\nshaped-marker 7 v z xform\n");
      expect(await answer(await post("/hooks/xform", { skip: true }))).toEqual({ status: 204, body: "" });
    });

    test("a transform that throws, or a module reached through a link out of the root -> 500 hook mapping failed, cause logged, module never run", async () => {
      expect(await answer(await post("/hooks/boom", {}))).toEqual(refused("hook mapping failed", 500));
      expect(await answer(await post("/hooks/escape", {}))).toEqual(refused("hook mapping failed", 500));
      expect(existsSync(join(outside, "ran"))).toBe(false);
      await waitFor(() => log().includes("hook mapping failed: Error: kaboom") && log().includes(`hook mapping failed: Error: Hook transform module path must be within ${transforms}: link/evil.mjs`), 10_000);
    });
  });

  test("hot reload: changed mappings answer, transforms are read again, caller keys follow the new policy; a bad mapping is refused and the last good settings stay", async () => {
    // The edited module is not read while the settings are unchanged.
    writeFileSync(join(transforms, "shape.mjs"), SHAPE_V2);
    const cached = await (await post("/hooks/xform", { n: 8 })).json();
    await ended(cached.runId);
    expect(modelCalls("shaped-marker 8")).toHaveLength(1);

    const reloaded: Hooks = {
      ...config.hooks,
      allowRequestSessionKey: false,
      mappings: [...MAPPINGS, { match: { path: "added" }, action: "wake", textTemplate: "added {{n}}" }, { match: { path: "named" }, transform: { module: "shape.mjs", export: "toWake" } }],
    };
    writeHooks(reloaded);
    await waitForStatus(() => post("/hooks/added", { n: 1 }), 200);
    const fresh = await (await post("/hooks/xform", { n: 9 })).json();
    await ended(fresh.runId);
    expect(modelCalls("reshaped-marker 9")).toHaveLength(1);
    expect(await (await post("/hooks/named", { n: 3 })).json()).toEqual({ ok: true, mode: "now", eventOutcome: "queued" });
    expect(await answer(await post("/hooks/github", { source: "push", repository: { name: "r" } }))).toEqual(refused("sessionKey is disabled for externally supplied hook payload values; set hooks.allowRequestSessionKey=true to enable"));
    expect((await post("/hooks/static", { n: 6 })).status).toBe(200);

    writeHooks({ ...reloaded, mappings: [{ match: { path: "broken" }, transform: { module: "/etc/passwd" } }] });
    await waitFor(() => log().includes("module must be a safe relative path (no absolute paths)"), 20_000);
    expect((await post("/hooks/added", { n: 2 })).status).toBe(200);
    expect(await answer(await post("/hooks/broken", {}))).toEqual({ status: 404, body: "Not Found" });
    await waitFor(() => gw.store.listRuns("running").length === 0, 10_000);
  }, 60_000);
});
