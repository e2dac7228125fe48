/**
 * Sessions and transcripts over real sockets (spec §6 `sessions.*`,
 * `chat.history`, `send`; §5 session scopes and dynamic admin): listing,
 * previews, patches, resets, deletes, history paging and delta cursors,
 * turns queued behind a running one, and refusals that change nothing;
 * once per runtime: the CLI gateway under Bun and under Node.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startUpstream, type FakeUpstream } from "../harness/openai-upstream.ts";
import { connected, connectParams, type RawSocket } from "../harness/raw-socket.ts";
import { RUNTIMES, startRuntimeGateway, type RuntimeGateway } from "../harness/runtimes.ts";

describe.each(RUNTIMES)("%s gateway", (runtime) => {
  let upstream: FakeUpstream;
  let gw: RuntimeGateway;
  let admin: RawSocket;
  let writer: RawSocket;
  let reader: RawSocket;

  beforeAll(async () => {
    upstream = startUpstream({ slow: { pieces: ["slow ", "reply"] }, gated: { pieces: ["gated ", "reply"], gated: true } });
    gw = await startRuntimeGateway(runtime, {
      config: {
        models: { providers: { up: { baseUrl: upstream.baseUrl, models: ["slow", "gated"] } } },
        agents: { list: [{ id: "main", default: true }, { id: "queue", model: "up/gated" }] },
      },
    });
    ({ sock: admin } = await connected(gw.url));
    ({ sock: writer } = await connected(gw.url, connectParams({ scopes: ["operator.write"] })));
    ({ sock: reader } = await connected(gw.url, connectParams({ scopes: ["operator.sessions.read"] })));
  });

  afterAll(async () => {
    for (const s of [admin, writer, reader]) s?.close();
    await gw?.stop();
    upstream?.stop();
  });

  async function turn(sock: RawSocket, sessionKey: string, message: string, runId = crypto.randomUUID()): Promise<string> {
    const res = await sock.request("chat.send", { sessionKey, message, idempotencyKey: runId });
    expect(res.ok).toBe(true);
    await sock.until(() => sock.events("chat").some((f) => f.payload.runId === runId && ["final", "error", "aborted"].includes(f.payload.state)));
    return runId;
  }

  describe("chat.history", () => {
    test("pages from the newest end with offset/limit; a delta cursor returns only what is new", async () => {
      for (let i = 1; i <= 3; i++) await turn(admin, "paging", `message ${i}`);
      const newest = (await admin.request("chat.history", { sessionKey: "paging", limit: 2 })).payload;
      expect(newest.messages.map((m: any) => m.__openclaw.seq)).toEqual([5, 6]);
      expect(newest).toMatchObject({ totalMessages: 6, hasMore: true, nextOffset: 2 });
      const older = (await admin.request("chat.history", { sessionKey: "paging", limit: 2, offset: 2 })).payload;
      expect(older.messages.map((m: any) => m.content[0].text)).toEqual([
        "message 2",
        'You said: "message 2". This is message 2 in this session; before this you said: "message 1". I\'m still the embedded placeholder agent; configure a real model under models.providers and agents.defaults.model for real answers.',
      ]);
      expect(older.offset).toBe(2);
      const oldest = (await admin.request("chat.history", { sessionKey: "paging", limit: 2, offset: 4 })).payload;
      expect(oldest).toMatchObject({ hasMore: false, totalMessages: 6 });
      expect(oldest.nextOffset).toBeUndefined();

      await turn(admin, "paging", "message 4");
      const delta = (await admin.request("chat.history", { sessionKey: "paging", cursor: newest.deltaCursor })).payload;
      expect(delta.kind).toBe("delta");
      expect(delta.messages.map((m: any) => m.__openclaw.seq)).toEqual([7, 8]);
      const none = (await admin.request("chat.history", { sessionKey: "paging", cursor: delta.deltaCursor })).payload;
      expect(none.messages).toEqual([]);
      expect(none.deltaCursor).toBe(delta.deltaCursor);
      expect((await admin.request("chat.history", { sessionKey: "paging", cursor: "garbage" })).payload).toEqual({ kind: "reset" });
      const both = await admin.request("chat.history", { sessionKey: "paging", cursor: delta.deltaCursor, offset: 1 });
      expect(both.error.message).toBe("cursor cannot be used with offset or messageId");
    });

    test("maxChars clips long messages; an unknown session is empty", async () => {
      await turn(admin, "clipped", "clip me");
      const clipped = (await admin.request("chat.history", { sessionKey: "clipped", limit: 1, maxChars: 5 })).payload;
      expect(clipped.messages[0].content[0].text).toBe("You s…");
      const empty = (await admin.request("chat.history", { sessionKey: "never-used" })).payload;
      expect(empty).toMatchObject({ messages: [], totalMessages: 0, hasMore: false, sessionInfo: { key: "agent:main:never-used" } });
    });
  });

  describe("turns of one session run one after another", () => {
    test("a second chat.send waits (pendingInputs) and both turns land in order", async () => {
      const first = crypto.randomUUID();
      const second = crypto.randomUUID();
      // The model holds the first turn until released, so the second one is sent while the first runs.
      await admin.request("chat.send", { sessionKey: "agent:queue:main", message: "first", idempotencyKey: first });
      await admin.request("chat.send", { sessionKey: "agent:queue:main", message: "second", idempotencyKey: second });
      const pending = (await admin.request("chat.history", { sessionKey: "agent:queue:main" })).payload.pendingInputs;
      expect(pending).toMatchObject({ total: 1, items: [{ runId: second, state: "queued", message: { content: [{ text: "second" }] } }] });
      upstream.release("gated");
      upstream.release("gated");
      await admin.until(() => admin.events("chat").some((f) => f.payload.runId === second && f.payload.state === "final"));
      const history = (await admin.request("chat.history", { sessionKey: "agent:queue:main" })).payload;
      expect(history.messages.map((m: any) => `${m.role}:${m.content[0].text}`)).toEqual(["user:first", "assistant:gated reply", "user:second", "assistant:gated reply"]);
      // The second turn saw the first one as context.
      expect(upstream.requests.at(-1)!.body.messages.map((m: any) => m.role)).toEqual(["user", "assistant", "user"]);
    });
  });

  describe("sessions.*", () => {
    test("sessions.list: rows newest first, counts, last message on request; archived rows hidden unless asked", async () => {
      await turn(admin, "listed", "hello list");
      const list = (await admin.request("sessions.list", { includeLastMessage: true })).payload;
      expect(list.sessions[0]).toMatchObject({ key: "agent:main:listed", kind: "direct", agentId: "main", status: "done", isMain: false });
      expect(list.sessions[0].lastMessagePreview).toStartWith('You said: "hello list"');
      expect(list).toMatchObject({ count: list.sessions.length, totalCount: list.sessions.length, hasMore: false, nextOffset: null, defaults: { modelProvider: "clawgate", model: "embedded" } });
      const page = (await admin.request("sessions.list", { limit: 1 })).payload;
      expect(page).toMatchObject({ count: 1, hasMore: true, nextOffset: 1, limitApplied: 1 });
    });

    test("sessions.preview: items for known keys, missing for unknown, maxChars respected", async () => {
      await turn(admin, "previewed", "hello preview");
      const res = (await admin.request("sessions.preview", { keys: ["previewed", "nope"], limit: 1, maxChars: 20 })).payload;
      expect(res.previews).toEqual([
        { key: "previewed", status: "ok", items: [{ role: "assistant", text: 'You said: "hello ...' }] },
        { key: "nope", status: "missing", items: [] },
      ]);
    });

    test("sessions.patch: cosmetic and model fields with write; anything else needs admin; bad models refused", async () => {
      await turn(admin, "patched", "hello patch");
      const ok = (await writer.request("sessions.patch", { key: "patched", label: "Groceries", pinned: true })).payload;
      expect(ok).toMatchObject({ ok: true, key: "agent:main:patched", entry: { label: "Groceries", pinned: true } });
      const refused = await writer.request("sessions.patch", { key: "patched", sendPolicy: "deny" });
      expect(refused.error.message).toBe("missing scope: operator.admin");
      expect((await admin.request("sessions.patch", { key: "patched", sendPolicy: "deny", label: null })).payload.entry).toEqual(expect.objectContaining({ sendPolicy: "deny" }));
      expect(gw.store.getSession("agent:main:patched")!.fields.label).toBeUndefined();
      const badModel = await writer.request("sessions.patch", { key: "patched", model: "ghost/model" });
      expect(badModel.error.message).toBe("Model 'ghost/model' is not allowed for agent 'main'.");
      const extra = await writer.request("sessions.patch", { key: "patched", bogus: 1 });
      expect(extra.error.message).toBe("invalid sessions.patch params: at root: unexpected property 'bogus'");
    });

    test("a patched model applies to the session's next turn", async () => {
      await writer.request("sessions.patch", { key: "switched", model: "up/slow" });
      await turn(admin, "switched", "which model?");
      const history = (await admin.request("chat.history", { sessionKey: "switched" })).payload;
      expect(history.messages.at(-1)).toMatchObject({ provider: "up", model: "slow", content: [{ text: "slow reply" }] });
    });

    test("sessions.reset: a fresh transcript; old cursors read as reset; needs admin", async () => {
      await turn(admin, "reset-me", "hello reset");
      const before = (await admin.request("chat.history", { sessionKey: "reset-me" })).payload;
      expect(before.messages).toHaveLength(2);
      expect((await writer.request("sessions.reset", { key: "reset-me" })).error.message).toBe("missing scope: operator.admin");
      const reset = (await admin.request("sessions.reset", { key: "reset-me", reason: "new" })).payload;
      expect(reset).toMatchObject({ ok: true, key: "agent:main:reset-me", resolved: { modelProvider: "clawgate", model: "embedded" } });
      expect(reset.entry.sessionId).not.toBe(before.sessionId);
      expect((await admin.request("chat.history", { sessionKey: "reset-me" })).payload.messages).toEqual([]);
      expect((await admin.request("chat.history", { sessionKey: "reset-me", cursor: before.deltaCursor })).payload).toEqual({ kind: "reset" });
    });

    test("sessions.delete: main refused; archivedOnly with write deletes only archived rows; others need admin", async () => {
      const main = await admin.request("sessions.delete", { key: "main" });
      expect(main.error).toEqual({ code: "INVALID_REQUEST", message: "Cannot delete the main session (agent:main:main)." });
      await turn(admin, "doomed", "bye");
      expect((await writer.request("sessions.delete", { key: "doomed" })).error.message).toBe("missing scope: operator.admin");
      const notArchived = await writer.request("sessions.delete", { key: "doomed", archivedOnly: true });
      expect(notArchived.error.message).toBe("Session doomed is not archived. Archive it first, then delete it.");
      await writer.request("sessions.patch", { key: "doomed", archived: true });
      expect((await admin.request("sessions.list", {})).payload.sessions.some((s: any) => s.key === "agent:main:doomed")).toBe(false);
      expect((await admin.request("sessions.list", { archived: true })).payload.sessions.map((s: any) => s.key)).toEqual(["agent:main:doomed"]);
      const sessionId = gw.store.getSession("agent:main:doomed")!.sessionId;
      const deleted = (await writer.request("sessions.delete", { key: "doomed", archivedOnly: true })).payload;
      expect(deleted).toEqual({ ok: true, key: "agent:main:doomed", deleted: true, archived: [] });
      expect(gw.store.getSession("agent:main:doomed")).toBeUndefined();
      expect(gw.store.lastMessageSeq(sessionId)).toBe(0);
    });
  });

  describe("scopes and refusals", () => {
    test("operator.sessions.read reads history but cannot send (§5)", async () => {
      expect((await reader.request("chat.history", { sessionKey: "paging" })).ok).toBe(true);
      expect((await reader.request("sessions.list", {})).ok).toBe(true);
      const send = await reader.request("chat.send", { sessionKey: "main", message: "x", idempotencyKey: "r-1" });
      expect(send.error).toEqual({ code: "FORBIDDEN", message: "missing scope: operator.write", details: { code: "MISSING_SCOPE", missingScope: "operator.write", requiredScopes: ["operator.write"] } });
    });

    test("bad chat input is refused and starts nothing", async () => {
      const before = gw.store.listSessions().length;
      expect((await admin.request("chat.send", { sessionKey: "x", message: "a\u0000b", idempotencyKey: "nul" })).error.message).toBe("message must not contain null bytes");
      expect((await admin.request("chat.send", { sessionKey: "agent:ghost:main", message: "x", idempotencyKey: "ghost" })).error).toEqual({
        code: "INVALID_REQUEST", message: 'unknown agent id "ghost"', details: { code: "UNKNOWN_AGENT_ID", agentId: "ghost" },
      });
      expect((await admin.request("chat.send", { sessionKey: "agent:main:x", agentId: "queue", message: "x", idempotencyKey: "mix" })).error.message).toBe('agentId "queue" does not match session key "agent:main:x"');
      expect((await admin.request("chat.send", { sessionKey: "x", message: "x" })).error.message).toBe("invalid chat.send params: at root: must have required property 'idempotencyKey'");
      const attached = await admin.request("chat.send", { sessionKey: "x", message: "look", attachments: [{ type: "image", mimeType: "image/png", content: "AAAA" }], idempotencyKey: "att" });
      expect(attached.error.message).toBe("invalid chat.send params: attachments are not supported (clawgate's model providers take text only)");
      expect((await admin.request("chat.send", { sessionKey: "x", message: "no attachments", attachments: [], idempotencyKey: "att-empty" })).payload.status).toBe("started");
      // "started" is the admission; the session row lands when the run begins, which its final event follows.
      await admin.until(() => admin.events("chat").some((f) => f.payload.runId === "att-empty" && f.payload.state === "final"));
      expect(gw.store.listSessions().length).toBe(before + 1);
    });

    test("send: no channels -> upstream's errors", async () => {
      const none = await writer.request("send", { to: "+15550001", message: "hi", idempotencyKey: "s1" });
      expect(none.error.message).toBe("Error: Channel is required (no configured channels detected). Run openclaw channels add to configure one, or pass --channel <channel> after enabling a channel. Use openclaw channels list --all to see available channel ids.");
      expect((await writer.request("send", { to: "x", channel: "webchat", message: "hi", idempotencyKey: "s2" })).error.message).toStartWith("unsupported channel: webchat (internal-only).");
      expect((await writer.request("send", { to: "x", channel: "telegram", message: "hi", idempotencyKey: "s3" })).error.message).toBe("Error: Channel is unavailable: telegram");
      expect((await writer.request("send", { to: "x", idempotencyKey: "s4" })).error.message).toBe("invalid send params: text or media is required");
    });

    test("/new in chat starts a fresh transcript and says so", async () => {
      await turn(admin, "fresh", "remember me");
      const before = gw.store.getSession("agent:main:fresh")!.sessionId;
      const res = await admin.request("chat.send", { sessionKey: "fresh", message: "/new", idempotencyKey: "new-1" });
      expect(res.payload).toEqual({ runId: "new-1", status: "started" });
      await admin.until(() => admin.events("chat").some((f) => f.payload.runId === "new-1" && f.payload.state === "final"));
      const history = (await admin.request("chat.history", { sessionKey: "fresh" })).payload;
      expect(history.sessionId).not.toBe(before);
      expect(history.messages.map((m: any) => m.content[0].text)).toEqual(["✅ New session started."]);
    });
  });
});
