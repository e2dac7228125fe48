/**
 * The `nodes` tool end to end: a model (a local OpenAI-compatible server
 * streaming real tool_calls) asks for a node's location, the gateway invokes
 * `location.get` on a node connected over WebSocket (the real reference
 * client as the node), and the node's answer ends in the final reply. Node
 * allowlists, upstream's system.run refusal and invoke timeouts hold.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { GatewayClient } from "@openclaw/gateway-client";
import { startTestGateway, TEST_TOKEN, type TestGateway } from "../../harness/gateway.ts";
import { newNodeKey } from "../../harness/node-key.ts";
import { startUpstream, type FakeUpstream } from "../../harness/openai-upstream.ts";
import { connected, type Frame, type RawSocket } from "../../harness/raw-socket.ts";
import { connectClient, type ConnectedClient } from "../../harness/reference-client.ts";

let upstream: FakeUpstream;
let gw: TestGateway;
let sock: RawSocket;
let node: ConnectedClient;
const invoked: { command: string; params: unknown }[] = [];

/** The model calls `nodes` with the arguments the user's message spells out as JSON, then repeats the tool's answer. */
function nodeModel(body: any) {
  const last = body.messages.at(-1);
  if (last.role === "tool") return { pieces: [`Tool answered: ${last.content}`] };
  return { toolCalls: [{ id: "n1", name: "nodes", arguments: last.content[0].text }] };
}

beforeAll(async () => {
  upstream = startUpstream({ nodey: nodeModel });
  gw = await startTestGateway({
    config: { models: { providers: { up: { baseUrl: upstream.baseUrl, models: ["nodey"] } } }, agents: { defaults: { model: "up/nodey" } } },
  });
  ({ sock } = await connected(gw.url));
  const key = newNodeKey();
  let client!: GatewayClient;
  node = await connectClient({
    url: gw.url, token: TEST_TOKEN, role: "node", mode: "node", clientName: "node-host", clientDisplayName: "test-phone", platform: "ios", deviceFamily: "iPhone",
    scopes: [], caps: ["location", "device"], commands: ["location.get", "device.status", "camera.snap"], deviceIdentity: key.identity, hostDeps: key.hostDeps,
    onEvent: (e) => {
      if (e.event !== "node.invoke.request") return;
      const p = e.payload as any;
      invoked.push({ command: p.command, params: JSON.parse(p.paramsJSON ?? "null") });
      // device.status is left unanswered: the invoke timeout must end it.
      if (p.command === "location.get") client.request("node.invoke.result", { id: p.id, nodeId: p.nodeId, ok: true, payload: { lat: 52.5163, lon: 13.3777, accuracyMeters: 12 } }).catch(() => {});
    },
  });
  client = node.client;
  await sock.until(() => sock.events("node.pair.requested").length > 0);
  const requestId = sock.events("node.pair.requested")[0]!.payload.requestId;
  expect((await sock.request("node.pair.approve", { requestId })).ok).toBe(true);
});

afterAll(async () => {
  node?.client.stop();
  sock?.close();
  await gw?.stop();
  upstream?.stop();
});

const terminal = (runId: string) => sock.events("chat").map((f: Frame) => f.payload).find((p: any) => p.runId === runId && ["final", "error", "aborted"].includes(p.state));
async function ask(args: Record<string, unknown>, runId: string): Promise<string> {
  await sock.request("chat.send", { sessionKey: "main", message: JSON.stringify(args), idempotencyKey: runId });
  await sock.until(() => terminal(runId) !== undefined, 10_000);
  return terminal(runId).message.content[0].text;
}

describe("nodes", () => {
  test("location_get is answered by the node over WebSocket and its answer ends in the final reply", async () => {
    const answer = await ask({ action: "location_get", node: "test-phone", desiredAccuracy: "precise" }, "loc-1");
    expect(answer.startsWith("Tool answered: ")).toBe(true);
    expect(JSON.parse(answer.slice("Tool answered: ".length))).toEqual({ lat: 52.5163, lon: 13.3777, accuracyMeters: 12 });
    expect(invoked.at(-1)).toEqual({ command: "location.get", params: { desiredAccuracy: "precise" } });
  });

  test("status lists the connected node", async () => {
    const answer = await ask({ action: "status" }, "status-1");
    const listed = JSON.parse(answer.slice("Tool answered: ".length));
    expect(listed.nodes).toHaveLength(1);
    // camera.snap was declared but is dangerous: not effective without gateway.nodes.commands.allow.
    expect(listed.nodes[0]).toMatchObject({ displayName: "test-phone", connected: true, commands: ["device.status", "location.get"] });
  });

  test("a command the node allowlist does not admit is refused, and never reaches the node", async () => {
    const before = invoked.length;
    const answer = await ask({ action: "invoke", node: "test-phone", invokeCommand: "camera.snap" }, "snap-1");
    expect(answer).toStartWith("Tool answered: node=test-phone action=invoke: node command not allowed");
    expect(invoked).toHaveLength(before);
  });

  test("system.run is refused as upstream refuses it; unknown nodes and bad params JSON are input errors", async () => {
    expect(await ask({ action: "invoke", node: "test-phone", invokeCommand: "system.run" }, "run-1"))
      .toBe('Tool answered: node=test-phone action=invoke: invokeCommand "system.run" is reserved for shell execution; use exec with host=node instead');
    expect(await ask({ action: "describe", node: "no-such-node" }, "unknown-1")).toBe('Tool answered: node=no-such-node action=describe: unknown node "no-such-node"; known: test-phone');
    expect(await ask({ action: "invoke", node: "test-phone", invokeCommand: "device.status", invokeParamsJson: "{oops" }, "json-1"))
      .toStartWith("Tool answered: node=test-phone action=invoke: invokeParamsJson must be valid JSON");
  });

  test("the invoke timeout is honoured: a node that never answers ends as TIMEOUT and the run goes on", async () => {
    const answer = await ask({ action: "invoke", node: "test-phone", invokeCommand: "device.status", invokeTimeoutMs: 200 }, "slow-1");
    expect(answer).toBe("Tool answered: node=test-phone action=invoke: TIMEOUT: node invoke timed out");
    expect(invoked.at(-1)?.command).toBe("device.status");
  });
});
