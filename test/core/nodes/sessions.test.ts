/**
 * Invoke bookkeeping (spec §8): every way an invoke ends (reply, timeout,
 * the node's socket going, shutdown) leaves nothing in flight. The interop
 * suites see only the wire; this is where a leaked pending invoke shows.
 */
import { expect, test } from "bun:test";
import { NodeSessions, type NodeLink, type NodeSession } from "../../../core/nodes/sessions.ts";

function session(nodeId: string, sent: { event: string; payload: any }[]): NodeSession {
  const link: NodeLink = { connId: `conn-${nodeId}`, sendEvent: (event, payload) => sent.push({ event, payload }) > 0, close: () => {} };
  return { nodeId, link, clientId: "node-host", clientMode: "node", platform: "linux", version: "1", caps: [], commands: ["system.notify"], declaredCaps: [], declaredCommands: ["system.notify"], connectedAtMs: 0 };
}

test("20 nodes x 10 invokes answered -> each caller gets its own reply and nothing stays in flight", async () => {
  const sessions = new NodeSessions(Date.now);
  const sent: { event: string; payload: any }[] = [];
  const nodes = Array.from({ length: 20 }, (_, i) => session(`n${i}`, sent));
  for (const n of nodes) sessions.add(n);
  const calls = nodes.flatMap((n, i) => Array.from({ length: 10 }, (_, j) => sessions.invoke(n, { command: "system.notify", params: { i, j }, timeoutMs: 30_000 })));
  expect(sessions.inFlight()).toBe(200);
  for (const { payload } of sent) expect(sessions.resolve(payload.id, `conn-${payload.nodeId}`, { ok: true, payloadJSON: payload.paramsJSON })).toBe(true);
  const outcomes = await Promise.all(calls);
  outcomes.forEach((o, k) => expect(o).toEqual({ kind: "reply", reply: { ok: true, payloadJSON: JSON.stringify({ i: Math.floor(k / 10), j: k % 10 }) } }));
  expect(sessions.inFlight()).toBe(0);
});

test("timeout, a closed socket and shutdown each end their invokes and empty the table", async () => {
  const sessions = new NodeSessions(Date.now);
  const sent: { event: string; payload: any }[] = [];
  const a = session("a", sent);
  const b = session("b", sent);
  sessions.add(a);
  sessions.add(b);
  expect(await sessions.invoke(a, { command: "system.notify", timeoutMs: 1 })).toEqual({ kind: "timeout" });
  expect(sent.at(-1)!.event).toBe("node.invoke.cancel");
  const gone = sessions.invoke(a, { command: "system.notify", timeoutMs: 30_000 });
  const stopped = sessions.invoke(b, { command: "system.notify", timeoutMs: 30_000 });
  expect(sessions.inFlight()).toBe(2);
  sessions.remove("a", "conn-a");
  expect(await gone).toEqual({ kind: "gone" });
  expect(sessions.inFlight()).toBe(1);
  sessions.clear();
  expect(await stopped).toEqual({ kind: "gone" });
  expect(sessions.inFlight()).toBe(0);
});
