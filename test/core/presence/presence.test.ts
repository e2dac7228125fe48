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

test("past the cap after many leave: the freshest still-connected entries, newest first, announced ones merged by ts", () => {
  const p = new Presence(self);
  for (let i = 0; i < 1000; i++) p.connect(`c${i}`, { instanceId: `i${i}`, ts: i });
  // The newest 700 leave (compaction runs meanwhile); 300 remain, i0..i299.
  for (let i = 999; i >= 300; i--) p.disconnect(`c${i}`);
  p.announce({ instanceId: "announced", ts: 250.5 });
  const ids = p.list(1000).slice(1).map((e) => e.instanceId);
  expect(ids.length).toBe(MAX_ENTRIES - 1);
  const expected = [...Array.from({ length: 49 }, (_, k) => `i${299 - k}`), "announced", ...Array.from({ length: MAX_ENTRIES - 1 - 50 }, (_, k) => `i${250 - k}`)];
  expect(ids).toEqual(expected);
});
