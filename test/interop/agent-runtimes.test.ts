/**
 * The agent side of the gateway once per runtime (the CLI gateway under Bun
 * and under Node, each with its own SQLite binding): a chat turn on the
 * embedded agent and its transcript, a cron job that fires and logs its run,
 * and the upstream-shaped status, health and agent identity.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { TEST_TOKEN } from "../harness/gateway.ts";
import { connectClient, waitFor, type ConnectedClient } from "../harness/reference-client.ts";
import { RUNTIMES, startRuntimeGateway, type RuntimeGateway } from "../harness/runtimes.ts";

describe.each(RUNTIMES)("%s gateway", (runtime) => {
  let gw: RuntimeGateway;
  let c: ConnectedClient;
  beforeAll(async () => {
    gw = await startRuntimeGateway(runtime, { config: { agents: { entries: { dev: { default: true, identity: { name: "C3-PO" } } } } } });
    c = await connectClient({ url: gw.url, token: TEST_TOKEN });
  });
  afterAll(async () => {
    c?.client.stop();
    await gw?.stop();
  });

  test("chat.send on the embedded agent: deltas, a final, and the turn in chat.history", async () => {
    expect(await c.client.request("chat.send", { sessionKey: "main", message: "Hello there", idempotencyKey: `${runtime}-turn` })).toEqual({ runId: `${runtime}-turn`, status: "started" });
    await waitFor(() => c.events.some((e) => e.event === "chat" && e.payload.runId === `${runtime}-turn` && e.payload.state === "final"));
    const history = await c.client.request<any>("chat.history", { sessionKey: "main" });
    expect(history.messages.map((m: any) => m.role)).toEqual(["user", "assistant"]);
    expect(history.messages[0].content[0].text).toBe("Hello there");
  });

  test("a cron job fires, queues its system event and logs its run", async () => {
    const job = await c.client.request<any>("cron.add", { name: "tick", schedule: { kind: "every", everyMs: 300 }, sessionTarget: "main", wakeMode: "next-heartbeat", payload: { kind: "systemEvent", text: "tick" } });
    await waitFor(() => c.events.some((e) => e.event === "cron" && e.payload.jobId === job.id && e.payload.action === "finished"));
    const runs = await c.client.request<any>("cron.runs", { id: job.id });
    expect(runs.entries[0]).toMatchObject({ jobId: job.id, action: "finished", status: "ok" });
    expect((await c.client.request<any>("status", {})).queuedSystemEvents).toContain("tick");
    await c.client.request("cron.remove", { id: job.id });
  });

  test("status and health carry the roster's default agent and the session", async () => {
    const status = await c.client.request<any>("status", {});
    expect(status.heartbeat.defaultAgentId).toBe("dev");
    expect(status.sessions.byAgent).toEqual([expect.objectContaining({ agentId: "dev", count: 1 })]);
    expect(status.server.runtime).toStartWith(`${runtime} `);
    const health = await c.client.request<any>("health", { probe: true });
    expect(health.agents[0]).toMatchObject({ agentId: "dev", isDefault: true, sessions: { count: 1 } });
    expect(await c.client.request("agent.identity.get", {})).toMatchObject({ agentId: "dev", name: "C3-PO" });
  });
});
