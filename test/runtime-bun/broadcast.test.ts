/**
 * Broadcast delivery (spec §1.3, §1.5, §7): tick to everyone, scoped events
 * only to those allowed, consecutive seq per socket. The slow consumer
 * (§1.4) is in test/conformance, run on every shim.
 */
import { afterEach, describe, expect, test } from "bun:test";
import { startTestGateway, type TestGateway } from "../harness/gateway.ts";
import { connected, connectParams } from "../harness/raw-socket.ts";

let gw: TestGateway | undefined;
afterEach(async () => {
  await gw?.stop();
  gw = undefined;
});

describe("audiences and seq", () => {
  test("tick reaches every client; presence only operator.read holders; seq rises by one per socket", async () => {
    gw = await startTestGateway({ tickIntervalMs: 50 });
    const reader = await connected(gw.url, connectParams({ scopes: ["operator.read"] }));
    const none = await connected(gw.url, connectParams({ client: { id: "cli", version: "1", platform: "linux", mode: "probe" }, scopes: [] }));
    const admin = await connected(gw.url);
    await admin.sock.request("system-event", { text: "hello", instanceId: "evt-1" });
    await reader.sock.until(() => reader.sock.events("tick").length >= 3 && reader.sock.events("presence").some((e) => e.payload.presence.some((p: any) => p.instanceId === "evt-1")));
    await none.sock.until(() => none.sock.events("tick").length >= 3);
    expect(none.sock.events("presence")).toEqual([]);
    for (const s of [reader.sock, none.sock, admin.sock]) {
      const seqs = s.frames.filter((f) => f.type === "event" && f.seq !== undefined).map((f) => f.seq!);
      for (let i = 1; i < seqs.length; i++) expect(seqs[i]).toBe(seqs[i - 1]! + 1);
    }
    const presence = reader.sock.events("presence").at(-1)!;
    expect(presence.stateVersion).toEqual({ presence: expect.any(Number), health: expect.any(Number) });
    for (const c of [reader, none, admin]) c.sock.close();
  });
});
