/**
 * Reconnect storms (spec §7 `presence`, core/events/pacer.ts) on every shim:
 * a burst of connects or disconnects reaches a reader as a few presence
 * snapshots carrying the latest state, not one full snapshot per change
 * (which made traffic grow with the square of the client count).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { connected, connectParams, type Frame } from "../harness/raw-socket.ts";
import { RUNTIMES, startRuntimeGateway, type RuntimeGateway } from "../harness/runtimes.ts";

const STORM = 60;

const webchat = (n: number) => connectParams({
  client: { id: "webchat", version: "1.0.0", platform: "linux", mode: "webchat", instanceId: `storm-${n}` },
  scopes: ["operator.read"],
});

describe.each(RUNTIMES)("%s gateway", (runtime) => {
  let gw: RuntimeGateway;
  beforeAll(async () => {
    gw = await startRuntimeGateway(runtime);
  });
  afterAll(() => gw?.stop());

  test(`${STORM} clients connecting at once, then leaving at once -> a few presence events, the last with the latest state`, async () => {
    // A backend reader: it sees presence (operator.read) without being listed itself.
    const reader = (await connected(gw.url, connectParams({ scopes: ["operator.read"] }))).sock;
    const presences = () => reader.events("presence");
    const listed = (f: Frame) => f.payload.presence.map((p: any) => p.instanceId).filter((id: string) => id?.startsWith("storm-")).length;
    const before = presences().length;

    const storm = await Promise.all(Array.from({ length: STORM }, (_, i) => connected(gw.url, webchat(i))));
    await reader.until(() => presences().length > 0 && listed(presences().at(-1)!) === STORM);
    const joined = presences().slice(before);
    // One event per connect before pacing; a burst is now a handful of snapshots.
    expect(joined.length).toBeLessThan(STORM / 3);
    const versions = joined.map((f) => f.stateVersion!.presence);
    expect(versions).toEqual([...versions].sort((a, b) => a - b));

    const mid = presences().length;
    for (const { sock } of storm) sock.close();
    await reader.until(() => listed(presences().at(-1)!) === 0);
    const left = presences().slice(mid);
    expect(left.length).toBeLessThan(STORM / 3);
    expect(left.at(-1)!.payload.presence[0]).toMatchObject({ mode: "gateway", reason: "self" });
    // Latest state: the last snapshot's version is the highest any reader saw.
    expect(left.at(-1)!.stateVersion!.presence).toBeGreaterThan(versions.at(-1)!);
    reader.close();
  }, 30_000);
});
