/** Presence snapshot rules (spec §6 system-presence). */
import { expect, test } from "bun:test";
import { MAX_ENTRIES, Presence } from "../../../core/presence/presence.ts";

const self = () => ({ mode: "gateway", reason: "self", ts: 0 });

test("the gateway is entry 0; connects and disconnects bump the version", () => {
  const p = new Presence(self);
  const v1 = p.connect("a", { mode: "ui", ts: 1 });
  expect(p.list(2).map((e) => e.mode)).toEqual(["gateway", "ui"]);
  expect(p.disconnect("a")).toBe(v1 + 1);
  expect(p.disconnect("a")).toBeNull();
});

test(`at most ${MAX_ENTRIES} entries, freshest kept`, () => {
  const p = new Presence(self);
  for (let i = 0; i < 300; i++) p.connect(`c${i}`, { instanceId: `i${i}`, ts: i });
  const list = p.list(1000);
  expect(list.length).toBe(MAX_ENTRIES);
  expect(list[0]!.reason).toBe("self");
  expect(list.some((e) => e.instanceId === "i299")).toBe(true);
  expect(list.some((e) => e.instanceId === "i0")).toBe(false);
});

test("announced entries fade after five minutes", () => {
  const p = new Presence(self);
  p.announce({ instanceId: "x", ts: 0 });
  expect(p.list(1).length).toBe(2);
  expect(p.list(5 * 60_000 + 1).length).toBe(1);
});
