/**
 * Node pairing state (spec §8): one pending request per node, identical
 * reconnects refresh it, changed ones supersede it, approval writes the
 * surface and later declarations are compared with it.
 */
import { describe, expect, test } from "bun:test";
import { NodePairing, type NodeDeclaration } from "../../../core/nodes/pairing.ts";
import type { NodeStore, PairedNode, PendingNodePairing } from "../../../core/store.ts";

/** The store contract in memory, for pure pairing logic. */
function memoryStore(): NodeStore {
  const nodes = new Map<string, PairedNode>();
  const pending = new Map<string, PendingNodePairing>();
  return {
    getNode: (id) => nodes.get(id),
    listNodes: () => [...nodes.values()],
    putNode: (n) => void nodes.set(n.nodeId, n),
    deleteNode: (id) => nodes.delete(id),
    getNodePending: (id) => pending.get(id),
    listNodePending: () => [...pending.values()],
    putNodePending: (p) => void pending.set(p.nodeId, p),
    deleteNodePending: (id) => pending.delete(id),
    transaction: (fn) => fn(),
  };
}

function setup() {
  const events: { event: string; payload: Record<string, unknown> }[] = [];
  const pairing = new NodePairing(memoryStore(), (event, payload) => events.push({ event, payload }));
  return { pairing, events };
}

const decl = (commands: string[], more: Partial<NodeDeclaration> = {}): NodeDeclaration => ({
  nodeId: "n1", clientId: "node-host", clientMode: "node", platform: "linux", deviceFamily: "Linux", version: "1", caps: ["system"], commands, silent: true, ...more,
});

describe("node pairing", () => {
  test("first connect -> pending request, nothing effective; withheld commands never offered", () => {
    const { pairing, events } = setup();
    const r = pairing.reconcile(decl(["system.notify", "bogus.cmd", "system.notify"]), undefined, 1);
    expect(r).toEqual({ declared: { caps: ["system"], commands: ["system.notify"], permissions: undefined }, effective: { caps: [], commands: [] }, withheld: ["bogus.cmd"] });
    expect(events.map((e) => e.event)).toEqual(["node.pair.requested"]);
    expect(events[0]!.payload).toMatchObject({ nodeId: "n1", commands: ["system.notify"], silent: true, requiredApproveScopes: ["operator.pairing", "operator.write"] });
  });

  test("identical reconnect refreshes the request silently; a changed one supersedes it (old resolved rejected)", () => {
    const { pairing, events } = setup();
    pairing.reconcile(decl(["system.notify"]), undefined, 1);
    const first = pairing.pending("n1")!.requestId;
    pairing.reconcile(decl(["system.notify"]), undefined, 2);
    expect(pairing.pending("n1")).toMatchObject({ requestId: first, ts: 2 });
    expect(events.length).toBe(1);
    pairing.reconcile(decl(["system.notify", "computer.act"]), undefined, 3);
    expect(pairing.pending("n1")!.requestId).not.toBe(first);
    expect(events.slice(1)).toEqual([
      { event: "node.pair.resolved", payload: { requestId: first, nodeId: "n1", decision: "rejected", ts: 3 } },
      { event: "node.pair.requested", payload: expect.objectContaining({ commands: ["system.notify", "computer.act"] }) },
    ]);
  });

  test("approve writes the surface; the next connect is effective at once and clears nothing new", () => {
    const { pairing, events } = setup();
    pairing.reconcile(decl(["system.notify"]), undefined, 1);
    const { node } = pairing.approve(pairing.pending("n1")!.requestId, ["operator.admin"], 5);
    expect(node).toMatchObject({ nodeId: "n1", commands: ["system.notify"], approvedAtMs: 5, createdAtMs: 5 });
    expect(pairing.reconcile(decl(["system.notify"]), undefined, 6).effective.commands).toEqual(["system.notify"]);
    expect(pairing.pending("n1")).toBeUndefined();
    expect(events.at(-1)).toEqual({ event: "node.pair.resolved", payload: { requestId: expect.any(String), nodeId: "n1", decision: "approved", ts: 5 } });
  });

  test("a new permission is an upgrade; declaring less is not", () => {
    const { pairing } = setup();
    pairing.reconcile(decl(["system.notify", "computer.act"]), undefined, 1);
    pairing.approve(pairing.pending("n1")!.requestId, ["operator.admin"], 2);
    expect(pairing.reconcile(decl(["system.notify"]), undefined, 3).effective.commands).toEqual(["system.notify"]);
    expect(pairing.pending("n1")).toBeUndefined();
    const r = pairing.reconcile(decl(["system.notify"], { permissions: { camera: true } }), undefined, 4);
    expect(pairing.pending("n1")).toBeDefined();
    expect(r.effective.permissions).toBeUndefined();
  });

  test("unknown request ids and empty names are refused", () => {
    const { pairing } = setup();
    expect(() => pairing.approve("nope", ["operator.admin"], 1)).toThrow("unknown requestId");
    expect(() => pairing.reject("nope", 1)).toThrow("unknown requestId");
    expect(() => pairing.rename("n1", "x")).toThrow("unknown nodeId");
    expect(() => pairing.rename("n1", "  ")).toThrow("displayName required");
  });
});
