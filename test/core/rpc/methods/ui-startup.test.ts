/**
 * The methods the upstream Control UI calls on load and when its chat opens
 * (core/rpc/methods/ui-startup.ts), in memory, with the params the UI sends
 * (recorded from openclaw 2026.9.6's dist/control-ui): whole payloads in
 * upstream's result shapes, the empty truth where clawgate has no such
 * feature, upstream's refusals, and the scope table's rules (§5).
 */
import { afterEach, describe, expect, test } from "bun:test";
import { MEMORY_TOKEN, memoryGateway, type MemoryGateway } from "../../../harness/memory-gateway.ts";
import type { MemoryConnection } from "../../../harness/memory-connection.ts";

const ALL_OPERATOR = ["operator.admin", "operator.read", "operator.write", "operator.approvals", "operator.questions", "operator.pairing"];
const NOW = 1_796_000_000_000;
const EMBEDDED = { id: "clawgate/embedded", name: "Embedded agent", provider: "clawgate" };
const RUNTIME = { id: "clawgate", cloudPlacementSupported: false, devicePlacementSupported: false, source: "implicit" };

let gw: MemoryGateway | undefined;
afterEach(() => gw?.stop());

/** A local backend client (keeps its scopes without a device) and the hello-ok it got. */
async function operator(scopes = ALL_OPERATOR, config = {}): Promise<{ mem: MemoryGateway; conn: MemoryConnection; hello: any; call: (method: string, params?: unknown) => Promise<any> }> {
  const mem = (gw = memoryGateway({ config, now: () => NOW }));
  const conn = await mem.open();
  const params = { minProtocol: 4, maxProtocol: 4, client: { id: "gateway-client", version: "0.0.0", platform: "linux", mode: "backend" }, auth: { token: MEMORY_TOKEN }, role: "operator", scopes };
  const hello = await mem.request(conn, "c", "connect", params);
  expect(hello.ok).toBe(true);
  let n = 0;
  return { mem, conn, hello: hello.payload, call: (method, p = {}) => mem.request(conn, `r${n++}`, method, p) };
}

describe("hello-ok for the upstream Control UI", () => {
  test("modelConfigured true (the embedded agent answers) and controlUiBuildSource configured (no reload banner)", async () => {
    const { hello } = await operator();
    expect(hello.snapshot.sessionDefaults.modelConfigured).toBe(true);
    expect(hello.server.controlUiBuildSource).toBe("configured");
  });
});

describe("on load, with the UI's own params", () => {
  test("subscriptions: sessions.subscribe {} -> subscribed; with list params -> the sessions.list payload; messages subscribe/unsubscribe name the canonical key", async () => {
    const { call } = await operator();
    expect((await call("sessions.subscribe")).payload).toEqual({ subscribed: true });
    const withList = (await call("sessions.subscribe", { limit: 5 })).payload;
    expect(withList).toMatchObject({ subscribed: true, list: { count: 0, totalCount: 0, limitApplied: 5, sessions: [] } });
    expect((await call("sessions.messages.subscribe", { key: "main" })).payload).toEqual({ subscribed: true, key: "agent:main:main" });
    expect((await call("sessions.messages.unsubscribe", { key: "agent:main:main" })).payload).toEqual({ subscribed: false, key: "agent:main:main" });
  });

  test("sessions.messages.subscribe includeApprovals: a device-less caller -> upstream's refusal; a control without it passes", async () => {
    const { call } = await operator();
    const refused = await call("sessions.messages.subscribe", { key: "agent:main:main", includeApprovals: true });
    expect(refused.error).toEqual({ code: "INVALID_REQUEST", message: "sessions.messages.subscribe includeApprovals requires a paired device and gateway scope: operator.approvals" });
    expect((await call("sessions.messages.subscribe", { key: "agent:main:main" })).ok).toBe(true);
  });

  test("agents.list: the roster with ids, names, identity and the model each runs; the implicit main runs the embedded agent", async () => {
    const implicit = await operator();
    expect((await implicit.call("agents.list")).payload).toEqual({
      defaultId: "main", ownership: "sole", selectionRequired: false, mainKey: "main", scope: "per-sender",
      agents: [{ id: "main", model: { primary: "clawgate/embedded" }, agentRuntime: RUNTIME }],
    });
    gw!.stop();
    const roster = await operator(ALL_OPERATOR, { agents: { entries: { ops: { name: "Ops", identity: { emoji: "🛠", mood: "calm" }, model: { primary: "up/a", fallbacks: ["up/b"] } }, dev: { default: true } } } });
    expect((await roster.call("agents.list")).payload).toEqual({
      defaultId: "dev", ownership: "explicit", selectionRequired: false, mainKey: "main", scope: "per-sender",
      agents: [
        { id: "ops", name: "Ops", identity: { emoji: "🛠" }, model: { primary: "up/a", fallbacks: ["up/b"] }, agentRuntime: RUNTIME },
        { id: "dev", model: { primary: "clawgate/embedded" }, agentRuntime: RUNTIME },
      ],
    });
  });

  test("the empty truth: approvals, questions, tasks, progress card, branches, companion, update, auth status, setup, talk, prefs", async () => {
    const { call } = await operator();
    const answers = {
      "exec.approval.list": [{}, []],
      "plugin.approval.list": [{}, []],
      "openclaw.approval.list": [{}, []],
      "question.list": [{}, { questions: [] }],
      "tasks.list": [{ sessionKey: "agent:main:main", agentId: "main", status: ["queued", "running"], limit: 200 }, { tasks: [] }],
      "progressCard.get": [{ sessionKey: "agent:main:main" }, { card: null }],
      "sessions.branches.list": [{ sessionKey: "agent:main:main" }, { branches: [] }],
      "sessions.companion.state": [{ sessionKey: "agent:main:main", agentId: "main" }, { exchanges: [] }],
      "sessions.observer.visibility": [{ visible: true }, { ok: true }],
      "update.status": [{}, { sentinel: null, updateAvailable: null }],
      "openclaw.setup.detect": [{}, { candidates: [], manualProviders: [] }],
      "users.prefs.get": [{}, { status: "no_durable_identity" }],
      "talk.catalog": [{}, { modes: [], transports: [], brains: [], speech: { ready: false, providers: [] }, transcription: { ready: false, providers: [] }, realtime: { ready: false, providers: [] } }],
    } as const;
    for (const [method, [params, payload]] of Object.entries(answers)) {
      expect([method, (await call(method, params)).payload]).toEqual([method, payload]);
    }
    const auth = (await call("models.authStatus", { agentId: "main" })).payload;
    expect(auth).toEqual({ ts: NOW, providers: [] });
  });

  test("sessions.describe: no such session -> {session: null}; models.list takes the UI's sessionKey and view and lists the embedded agent main runs", async () => {
    const { call } = await operator();
    expect((await call("sessions.describe", { key: "agent:main:main" })).payload).toEqual({ session: null });
    expect((await call("models.list", { view: "configured", sessionKey: "agent:main:main", agentId: "main" })).payload).toEqual({ models: [EMBEDDED] });
  });

  test("chat.startup {sessionKey} -> the chat.history page plus metadata; by short id -> resolution not ok; chat.metadata -> the models", async () => {
    const { call } = await operator(ALL_OPERATOR, { models: { providers: { up: { baseUrl: "http://127.0.0.1:9/v1", models: ["m1"] } } } });
    const startup = (await call("chat.startup", { sessionKey: "agent:main:main", limit: 80, maxBytes: 262144 })).payload;
    const history = (await call("chat.history", { sessionKey: "agent:main:main", limit: 80 })).payload;
    const models = [EMBEDDED, { id: "up/m1", name: "m1", provider: "up" }];
    expect(startup).toEqual({ ...history, metadata: { models, swarmEnabled: false, runtimeSelectionLocked: false } });
    expect((await call("chat.startup", { shortId: "abc", agentId: "main" })).payload).toEqual({ resolution: { ok: false } });
    expect((await call("chat.metadata", { agentId: "main" })).payload).toEqual({ models, swarmEnabled: false });
    expect((await call("chat.metadata", { agentId: "main", sessionKey: "agent:main:main" })).payload).toEqual({ models, swarmEnabled: false, runtimeSelectionLocked: false });
  });
});

describe("models.list", () => {
  test("every agent has a model of its own -> the embedded agent is not listed; one without -> it is", async () => {
    const providers = { up: { baseUrl: "http://127.0.0.1:9/v1", models: ["m1"] } };
    const own = await operator(ALL_OPERATOR, { models: { providers }, agents: { defaults: { model: "up/m1" } } });
    expect((await own.call("models.list")).payload).toEqual({ models: [{ id: "up/m1", name: "m1", provider: "up" }] });
    gw!.stop();
    const mixed = await operator(ALL_OPERATOR, { models: { providers }, agents: { entries: { a: { model: "up/m1" }, b: {} } } });
    expect((await mixed.call("models.list")).payload).toEqual({ models: [EMBEDDED, { id: "up/m1", name: "m1", provider: "up" }] });
  });
});

describe("maxBytes (chat.history, chat.startup)", () => {
  test("three 1 KB messages, maxBytes 2500 -> the newest two (chat.history alike), hasMore, nextOffset 2; the third is chat.history offset 2; a roomy cap keeps the page whole", async () => {
    const { call, mem } = await operator();
    const sessions = mem.gateway.agents.sessions;
    const session = sessions.ensure(sessions.resolve("main"));
    for (const text of ["a", "b", "c"]) sessions.append(session, { role: "user", text: text.repeat(1000) });
    const capped = (await call("chat.startup", { sessionKey: "agent:main:main", maxBytes: 2500 })).payload;
    const { metadata: _metadata, ...cappedHistory } = capped;
    expect((await call("chat.history", { sessionKey: "agent:main:main", maxBytes: 2500 })).payload).toEqual(cappedHistory);
    expect(capped.messages.map((m: any) => m.content[0].text[0])).toEqual(["b", "c"]);
    expect(capped).toMatchObject({ hasMore: true, nextOffset: 2, totalMessages: 3 });
    const rest = (await call("chat.history", { sessionKey: "agent:main:main", offset: 2 })).payload;
    expect(rest.messages.map((m: any) => m.content[0].text[0])).toEqual(["a"]);
    const whole = (await call("chat.startup", { sessionKey: "agent:main:main", maxBytes: 262144 })).payload;
    expect(whole.messages).toHaveLength(3);
    expect(whole.hasMore).toBe(false);
  });
});

describe("inputRunIds: receipts for the turns the UI sent", () => {
  test("a turn whose user message is in the transcript -> consumed by that message's id; an unknown run id -> no receipt; no inputRunIds -> no receipt fields", async () => {
    const { call, mem } = await operator();
    const sessions = mem.gateway.agents.sessions;
    const session = sessions.ensure(sessions.resolve("main"));
    const sent = sessions.append(session, { role: "user", text: "hi", runId: "run-1" });
    sessions.append(session, { role: "assistant", text: "hello", runId: "run-1" });
    const receipts = { inputReceipts: [{ runId: "run-1", state: "consumed", consumedByEventId: sent.id }], inputConsumptions: [{ runId: "run-1", consumedByEventId: sent.id }] };
    expect((await call("chat.history", { sessionKey: "agent:main:main", inputRunIds: ["run-1", "run-unknown"] })).payload).toMatchObject(receipts);
    expect((await call("chat.startup", { sessionKey: "agent:main:main", inputRunIds: ["run-1"], maxBytes: 262144 })).payload).toMatchObject(receipts);
    const plain = (await call("chat.history", { sessionKey: "agent:main:main" })).payload;
    expect("inputReceipts" in plain || "inputConsumptions" in plain).toBe(false);
  });
});

describe("bad input changes nothing and says why", () => {
  test("an unknown agent -> UNKNOWN_AGENT_ID; an unknown param -> invalid params; sessionKey with authProfileId -> refused", async () => {
    const { call, mem } = await operator();
    expect((await call("sessions.describe", { key: "agent:ghost:main" })).error).toMatchObject({ code: "INVALID_REQUEST", message: 'unknown agent id "ghost"', details: { code: "UNKNOWN_AGENT_ID" } });
    expect((await call("chat.startup", { shortId: "abc", agentId: "ghost" })).error).toMatchObject({ details: { code: "UNKNOWN_AGENT_ID" } });
    expect((await call("tasks.list", { status: "lost" })).error.message).toStartWith("invalid tasks.list params: ");
    expect((await call("chat.startup", { sessionKey: "agent:main:main", maxBytes: 1000 })).error.message).toStartWith("invalid chat.startup params: ");
    expect((await call("sessions.observer.visibility", { visible: true, extra: 1 })).error.message).toStartWith("invalid sessions.observer.visibility params: ");
    expect((await call("chat.metadata", { sessionKey: "agent:main:main", authProfileId: "p" })).error.message).toBe("invalid chat.metadata params: sessionKey and authProfileId cannot be combined");
    expect(mem.store.listSessions()).toEqual([]);
  });

  test("scopes (§5): a read-only operator reads the chat's methods, but update.status needs admin and question.list operator.questions", async () => {
    const { call } = await operator(["operator.read"]);
    expect((await call("chat.startup", { sessionKey: "agent:main:main" })).ok).toBe(true);
    expect((await call("agents.list")).ok).toBe(true);
    expect((await call("update.status")).error).toMatchObject({ code: "FORBIDDEN", message: "missing scope: operator.admin" });
    expect((await call("question.list")).error).toMatchObject({ code: "FORBIDDEN", message: "missing scope: operator.questions" });
    expect((await call("exec.approval.list")).error).toMatchObject({ code: "FORBIDDEN", message: "missing scope: operator.approvals" });
  });
});
