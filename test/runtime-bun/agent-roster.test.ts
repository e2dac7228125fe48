/**
 * A current upstream config keys its agents (`agents.entries.<id>`): the
 * gateway routes "main" to the agent marked default, names it in hello-ok,
 * status and agent.identity.get, over real sockets with the reference client.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startTestGateway, TEST_TOKEN, type TestGateway } from "../harness/gateway.ts";
import { connectClient, waitFor, type ConnectedClient } from "../harness/reference-client.ts";

let gw: TestGateway;
let c: ConnectedClient;

beforeAll(async () => {
  gw = await startTestGateway({ config: { agents: { entries: { ops: {}, dev: { default: true, identity: { name: "C3-PO", emoji: "🤖" } } } } } });
  c = await connectClient({ url: gw.url, token: TEST_TOKEN });
});

afterAll(async () => {
  c.client.stop();
  await gw.stop();
});

describe("agents.entries", () => {
  test("hello-ok and status name the default agent from the entries", async () => {
    expect(c.hello.snapshot.sessionDefaults).toEqual({ defaultAgentId: "dev", modelConfigured: true, ownership: "explicit", selectionRequired: false, mainKey: "main", mainSessionKey: "agent:dev:main", scope: "per-sender" });
    const status = await c.client.request<any>("status", { includeCliProjection: true });
    expect(status.heartbeat.defaultAgentId).toBe("dev");
    expect(status.heartbeat.agents.map((a: any) => [a.agentId, a.enabled])).toEqual([["ops", false], ["dev", true]]);
    expect(status.cliProjection.agents).toEqual({ defaultId: "dev", ownership: "explicit", selectionRequired: false, rows: [{ id: "ops" }, { id: "dev", name: "C3-PO" }] });
  });

  test("chat.send to main runs in the default agent's main session", async () => {
    await c.client.request("chat.send", { sessionKey: "main", message: "hello", idempotencyKey: "roster-1" });
    await waitFor(() => c.events.some((e) => e.event === "chat" && e.payload.runId === "roster-1" && e.payload.state === "final"));
    expect(c.events.find((e) => e.event === "chat" && e.payload.runId === "roster-1")!.payload.sessionKey).toBe("agent:dev:main");
  });

  test("agent.identity.get: by default, agent id or session key; an unknown agent gets the default identity", async () => {
    const dev = { agentId: "dev", name: "C3-PO", nameSource: "agent", avatar: "🤖", emoji: "🤖" };
    expect(await c.client.request("agent.identity.get", {})).toEqual(dev);
    expect(await c.client.request("agent.identity.get", { agentId: "Dev" })).toEqual(dev);
    expect(await c.client.request("agent.identity.get", { sessionKey: "agent:dev:main" })).toEqual(dev);
    expect(await c.client.request("agent.identity.get", { agentId: "nope" })).toEqual({ agentId: "nope", name: "Assistant", nameSource: "default", avatar: "A" });
    await expect(c.client.request("agent.identity.get", { x: 1 })).rejects.toMatchObject({ gatewayCode: "INVALID_REQUEST", message: "invalid agent.identity.get params: at root: unexpected property 'x'" });
  });
});
