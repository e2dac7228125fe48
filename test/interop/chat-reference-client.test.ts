/**
 * The published `@openclaw/gateway-client@2026.9.1` drives agent turns on the
 * embedded agent (spec §6 chat.send/agent, §7 chat events), and the
 * transcript survives gateway restarts, including a restart in the middle of
 * a run (graceful stop and SIGKILL); once per runtime: the CLI gateway under
 * Bun and under Node.
 */
import { afterEach, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TEST_TOKEN } from "../harness/gateway.ts";
import { startUpstream, type FakeUpstream } from "../harness/openai-upstream.ts";
import { connectClient, waitFor, type ConnectedClient } from "../harness/reference-client.ts";
import { RESTART_TIMEOUT_MS, RUNTIMES, startRuntimeGateway, type RuntimeGateway } from "../harness/runtimes.ts";

describe.each(RUNTIMES)("%s gateway", (runtime) => {
  const cleanup: (() => unknown)[] = [];
  afterEach(async () => {
    for (const fn of cleanup.splice(0).reverse()) await fn();
  });

  function stateDir(): string {
    const dir = mkdtempSync(join(tmpdir(), "clawgate-chat-"));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    return dir;
  }

  async function gatewayOn(dir: string, config = {}): Promise<RuntimeGateway> {
    const gw = await startRuntimeGateway(runtime, { dir, config });
    cleanup.push(() => gw.stop());
    return gw;
  }

  async function client(gw: { url: string }): Promise<ConnectedClient> {
    const c = await connectClient({ url: gw.url, token: TEST_TOKEN });
    cleanup.push(() => c.client.stop());
    return c;
  }

  const chatOf = (c: ConnectedClient, runId: string) => c.events.filter((e) => e.event === "chat" && e.payload.runId === runId).map((e) => e.payload);
  const texts = (history: any) => history.messages.map((m: any) => `${m.role}: ${m.content[0].text}`);

  describe("reference client and the embedded agent", () => {
    test("chat.send -> started, then chat deltas and a final; chat.history returns the turn after a restart", async () => {
      const dir = stateDir();
      const first = await gatewayOn(dir);
      const c = await client(first);
      const started = await c.client.request<any>("chat.send", { sessionKey: "main", message: "Hello, my name is Lin.", idempotencyKey: "turn-1" });
      expect(started).toEqual({ runId: "turn-1", status: "started" });
      await waitFor(() => chatOf(c, "turn-1").some((p) => p.state === "final"));
      const events = chatOf(c, "turn-1");
      const final = events.find((p) => p.state === "final");
      const streamed = events.filter((p) => p.state === "delta").map((p) => p.deltaText).join("");
      expect(streamed).toBe(final.message.content[0].text);
      expect(final.message.content[0].text).toStartWith("Nice to meet you, Lin.");
      // The agent tells the user how to configure a real model.
      expect(final.message.content[0].text).toContain("models.providers");
      // Frames arrive with seq rising by one, as the client checks (§1.3).
      const seqs = c.events.map((e) => e.seq).filter((s) => s !== undefined);
      for (let i = 1; i < seqs.length; i++) expect(seqs[i]).toBe(seqs[i - 1] + 1);
      const before = await c.client.request<any>("chat.history", { sessionKey: "main" });
      expect(texts(before)).toEqual(["user: Hello, my name is Lin.", `assistant: ${final.message.content[0].text}`]);

      c.client.stop();
      await first.stop();
      const second = await gatewayOn(dir);
      const again = await client(second);
      const after = await again.client.request<any>("chat.history", { sessionKey: "agent:main:main" });
      expect(after.messages).toEqual(before.messages);
      expect(after.sessionId).toBe(before.sessionId);
      // The context survives too: the agent still knows the name.
      await again.client.request("chat.send", { sessionKey: "main", message: "What is my name?", idempotencyKey: "turn-2" });
      await waitFor(() => chatOf(again, "turn-2").some((p) => p.state === "final"));
      expect(chatOf(again, "turn-2").find((p) => p.state === "final").message.content[0].text).toStartWith("Your name is Lin.");
    }, RESTART_TIMEOUT_MS);

    test("agent with expectFinal resolves with the final result; the accepted frame came first", async () => {
      const gw = await gatewayOn(stateDir());
      const c = await client(gw);
      const accepted: any[] = [];
      const final = await c.client.request<any>("agent", { message: "hi", idempotencyKey: "agent-1", sessionKey: "main" }, { expectFinal: true, onAccepted: (p: unknown) => accepted.push(p) } as any);
      expect(final).toMatchObject({ runId: "agent-1", status: "ok", summary: "completed", result: { payloads: [{ text: expect.any(String) }] } });
      expect(accepted).toEqual([{ runId: "agent-1", sessionKey: "agent:main:main", agentId: "main", status: "accepted", acceptedAt: expect.any(Number) }]);
      const waited = await c.client.request<any>("agent.wait", { runId: "agent-1", timeoutMs: 1000 });
      expect(waited).toMatchObject({ runId: "agent-1", status: "ok" });
    });

    test("/reset through agent needs admin: a write-only client is refused, nothing changes", async () => {
      const gw = await gatewayOn(stateDir());
      const writer = await connectClient({ url: gw.url, token: TEST_TOKEN, scopes: ["operator.write"] });
      cleanup.push(() => writer.client.stop());
      const refusal = await writer.client.request("agent", { message: "/reset", idempotencyKey: "r1" }, { expectFinal: true } as any).catch((e) => e);
      expect(refusal.gatewayCode).toBe("FORBIDDEN");
      expect(refusal.message).toBe("missing scope: operator.admin");
      expect(gw.store.listSessions()).toEqual([]);
    });
  });

  describe("a restart during a run", () => {
    let upstream: FakeUpstream;
    const config = () => ({ models: { providers: { up: { baseUrl: upstream.baseUrl, models: ["hold"] } } }, agents: { defaults: { model: "up/hold" } } });

    test("graceful stop: the partial reply is kept and the run is marked interrupted", async () => {
      upstream = startUpstream({ hold: { pieces: ["half ", "done"], hold: true } });
      cleanup.push(() => upstream.stop());
      const dir = stateDir();
      const gw = await gatewayOn(dir, config());
      const c = await client(gw);
      await c.client.request("chat.send", { sessionKey: "main", message: "long task", idempotencyKey: "long-1" });
      await waitFor(() => chatOf(c, "long-1").filter((p) => p.state === "delta").length === 2);
      await gw.stop();
      expect(chatOf(c, "long-1").at(-1)).toMatchObject({ state: "aborted", stopReason: "restart" });
      await upstream.until(() => upstream.disconnects.includes("hold"));

      const next = await gatewayOn(dir, config());
      const again = await client(next);
      const history = await again.client.request<any>("chat.history", { sessionKey: "main" });
      expect(texts(history)).toEqual(["user: long task", "assistant: half done"]);
      expect(history.messages[1].stopReason).toBe("restart");
      expect(history.sessionInfo).toMatchObject({ status: "killed", lastRunId: "long-1" });
      expect(next.store.getRun("long-1")).toMatchObject({ status: "interrupted" });
      expect(await again.client.request<any>("agent.wait", { runId: "long-1", timeoutMs: 100 })).toMatchObject({ runId: "long-1", status: "error" });
    }, RESTART_TIMEOUT_MS);

    test("SIGKILL: after the next start the history is intact and the run is marked interrupted", async () => {
      upstream = startUpstream({ hold: { pieces: ["never finished"], hold: true } });
      cleanup.push(() => upstream.stop());
      const dir = stateDir();
      // The CLI's config: the provider key comes from the environment as ${VAR} (§11).
      const fileConfig = config();
      fileConfig.models.providers.up = { ...fileConfig.models.providers.up, apiKey: "${CLAWGATE_TEST_UPSTREAM_KEY}" } as typeof fileConfig.models.providers.up;
      const child = await startRuntimeGateway(runtime, { dir, config: fileConfig, env: { CLAWGATE_TEST_UPSTREAM_KEY: "sk-from-the-environment" } });
      cleanup.push(() => child.stop());
      const c = await connectClient({ url: child.url, token: TEST_TOKEN });
      await c.client.request("chat.send", { sessionKey: "main", message: "earlier turn survives", idempotencyKey: "crash-1" });
      await waitFor(() => chatOf(c, "crash-1").some((p) => p.state === "delta"));
      expect(upstream.requests[0]!.headers.get("authorization")).toBe("Bearer sk-from-the-environment");
      c.client.stop();
      await child.kill();

      const next = await gatewayOn(dir, config());
      const again = await client(next);
      const history = await again.client.request<any>("chat.history", { sessionKey: "main" });
      expect(texts(history)).toEqual(["user: earlier turn survives"]);
      expect(history.sessionInfo).toMatchObject({ status: "killed", lastRunError: "interrupted: the gateway restarted during this run" });
      expect(next.store.getRun("crash-1")).toMatchObject({ status: "interrupted" });
    }, RESTART_TIMEOUT_MS);
  });
});
