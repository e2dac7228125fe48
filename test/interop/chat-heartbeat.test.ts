/**
 * Heartbeats and system events over real sockets (spec §6 `wake`,
 * `system-event`, `last-heartbeat`, `set-heartbeats`; §7 `heartbeat`): the
 * cadence from `agents.defaults.heartbeat.every`, silent acknowledgements,
 * alerts that reach the main session, and the prompt from config; once per
 * runtime: the CLI gateway under Bun and under Node.
 */
import { afterEach, describe, expect, test } from "bun:test";
import { startUpstream } from "../harness/openai-upstream.ts";
import { connected, connectParams, type RawSocket } from "../harness/raw-socket.ts";
import { RUNTIMES, startRuntimeGateway, type RuntimeGateway } from "../harness/runtimes.ts";

describe.each(RUNTIMES)("%s gateway", (runtime) => {
  const cleanup: (() => unknown)[] = [];
  afterEach(async () => {
    for (const fn of cleanup.splice(0).reverse()) await fn();
  });

  async function open(config = {}): Promise<{ gw: RuntimeGateway; sock: RawSocket }> {
    const gw = await startRuntimeGateway(runtime, { config });
    cleanup.push(() => gw.stop());
    const { sock } = await connected(gw.url);
    cleanup.push(() => sock.close());
    return { gw, sock };
  }

  const heartbeats = (sock: RawSocket) => sock.events("heartbeat").map((f) => f.payload);

  describe("wake and system events", () => {
    test("wake now -> a heartbeat turn surfaces the event as an alert in the main session", async () => {
      const { sock } = await open();
      expect((await sock.request("last-heartbeat", {})).payload).toBeNull();
      expect((await sock.request("wake", { mode: "now", text: "The oven timer rang" })).payload).toEqual({ ok: true });
      await sock.until(() => heartbeats(sock).length === 1);
      expect(heartbeats(sock)[0]).toMatchObject({ status: "sent", preview: "The oven timer rang", sessionKey: "agent:main:main", durationMs: expect.any(Number) });
      const final = sock.events("chat").map((f) => f.payload).find((p) => p.state === "final");
      expect(final).toMatchObject({ sessionKey: "agent:main:main", message: { content: [{ text: "The oven timer rang" }] } });
      // Only the alert is recorded; the heartbeat prompt is not a user turn.
      const history = (await sock.request("chat.history", { sessionKey: "main" })).payload;
      expect(history.messages.map((m: any) => [m.role, m.content[0].text, m.heartbeat])).toEqual([["assistant", "The oven timer rang", true]]);
      expect((await sock.request("last-heartbeat", {})).payload).toEqual(heartbeats(sock)[0]);
    });

    test("next-heartbeat only queues; the next heartbeat delivers the queue once, in one alert", async () => {
      const { sock } = await open();
      await sock.request("wake", { mode: "next-heartbeat", text: "later, please" });
      expect((await sock.request("status", {})).payload.queuedSystemEvents).toEqual(["later, please"]);
      expect(heartbeats(sock)).toEqual([]);
      await sock.request("wake", { mode: "now", text: "now, please" });
      await sock.until(() => heartbeats(sock).length === 1);
      expect(heartbeats(sock)[0].status).toBe("sent");
      expect((await sock.request("status", {})).payload.queuedSystemEvents).toEqual([]);
      expect(sock.events("chat").filter((f) => f.payload.state === "final")).toHaveLength(1);
      const history = (await sock.request("chat.history", { sessionKey: "main" })).payload;
      expect(history.messages).toHaveLength(1);
    });

    test("system-event with wake:true runs the heartbeat at once", async () => {
      const { sock } = await open();
      await sock.request("system-event", { text: "Deploy finished", wake: true });
      await sock.until(() => heartbeats(sock).some((h) => h.status === "sent"));
      expect(heartbeats(sock).at(-1)!.preview).toBe("Deploy finished");
    });

    test("set-heartbeats false -> heartbeats are skipped and events stay queued; true resumes", async () => {
      const { sock } = await open();
      expect((await sock.request("set-heartbeats", { enabled: false })).payload).toEqual({ ok: true, enabled: false });
      await sock.request("wake", { mode: "now", text: "held back" });
      await sock.until(() => heartbeats(sock).length === 1);
      expect(heartbeats(sock)[0]).toMatchObject({ status: "skipped", reason: "disabled" });
      expect((await sock.request("status", {})).payload.heartbeat.agents).toEqual([{ agentId: "main", enabled: false, every: "30m", everyMs: 1_800_000, waitingForRoute: false }]);
      expect((await sock.request("status", {})).payload.queuedSystemEvents).toEqual(["held back"]);
      await sock.request("set-heartbeats", { enabled: true });
      await sock.request("wake", { mode: "now", text: "and now" });
      await sock.until(() => heartbeats(sock).length === 2);
      expect(heartbeats(sock)[1]).toMatchObject({ status: "sent", preview: "held back\nand now" });
    });

    test("bad params and scopes: a specific error, nothing queued", async () => {
      const { gw, sock } = await open();
      const empty = await sock.request("wake", { mode: "now", text: "" });
      expect(empty.error.message).toStartWith("invalid wake params:");
      const { sock: reader } = await connected(gw.url, connectParams({ scopes: ["operator.read"] }));
      cleanup.push(() => reader.close());
      expect((await reader.request("set-heartbeats", { enabled: false })).error.message).toBe("missing scope: operator.admin");
      expect((await reader.request("wake", { mode: "now", text: "x" })).error.message).toBe("missing scope: operator.write");
      expect((await sock.request("status", {})).payload.queuedSystemEvents).toEqual([]);
    });
  });

  describe("cadence and prompt from config", () => {
    test("agents.defaults.heartbeat.every fires on its own; the configured prompt goes to the model verbatim", async () => {
      const upstream = startUpstream({ hb: { pieces: ["HEARTBEAT_OK"] } });
      cleanup.push(() => upstream.stop());
      const { sock } = await open({
        models: { providers: { up: { baseUrl: upstream.baseUrl, models: ["hb"] } } },
        // A heartbeat's turn may take as long as its interval: 1 s leaves a cold first turn (Node's first fetch on a loaded box) room.
        agents: { defaults: { model: "up/hb", heartbeat: { every: "1s", prompt: "Anything urgent? Reply HEARTBEAT_OK if not." } } },
      });
      await sock.until(() => heartbeats(sock).length >= 2, 10_000);
      expect(heartbeats(sock).slice(0, 2).map((h) => h.status)).toEqual(["ok-token", "ok-token"]);
      expect(upstream.requests[0]!.body.messages.at(-1)).toEqual({ role: "user", content: [{ type: "text", text: "Anything urgent? Reply HEARTBEAT_OK if not." }] });
      // Silent acknowledgements leave chat and the transcript alone.
      expect(sock.events("chat")).toEqual([]);
      expect((await sock.request("chat.history", { sessionKey: "main" })).payload.messages).toEqual([]);
    });

    test("every: 0m stops the cadence", async () => {
      const { sock } = await open({ agents: { defaults: { heartbeat: { every: "0m" } } } });
      expect((await sock.request("status", {})).payload.heartbeat.agents[0]).toMatchObject({ agentId: "main", enabled: false, everyMs: 0 });
    });
  });
});
