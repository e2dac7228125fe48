/**
 * Node pairing survives a restart: the SQLite store (schema v3) keeps
 * approved surfaces and pending requests (spec §8, §11 state).
 */
import { expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { NodePairing } from "../../core/nodes/pairing.ts";
import { databasePath, SqliteStore } from "../../runtime-bun/sqlite-store.ts";

test("approve, close, reopen -> the node's surface and another node's pending request are still there", () => {
  const dir = mkdtempSync(join(tmpdir(), "clawgate-nodes-"));
  try {
    const decl = (nodeId: string) => ({ nodeId, clientId: "node-host", clientMode: "node", platform: "linux", deviceFamily: "Linux", version: "1", caps: [], commands: ["system.notify"], silent: false });
    let store = new SqliteStore(databasePath(dir));
    const pairing = new NodePairing(store, () => {});
    pairing.reconcile(decl("a"), undefined, 1);
    pairing.approve(store.getNodePending("a")!.requestId, ["operator.admin"], 2);
    pairing.reconcile(decl("b"), undefined, 3);
    const pendingB = store.getNodePending("b")!;
    store.close();

    store = new SqliteStore(databasePath(dir));
    expect(store.getNode("a")).toMatchObject({ nodeId: "a", commands: ["system.notify"], approvedAtMs: 2 });
    expect(store.listNodePending()).toEqual([pendingB]);
    expect(new NodePairing(store, () => {}).reconcile(decl("a"), undefined, 4).effective.commands).toEqual(["system.notify"]);
    expect(store.deleteNodePending("b")).toBe(true);
    expect(store.deleteNodePending("b")).toBe(false);
    store.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
