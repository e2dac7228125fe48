/** Event-loop health (core/event-loop.ts) from timer beats and CPU time, on a controlled clock; `current` is as of the last beat. */
import { expect, test } from "bun:test";
import { EventLoopMonitor } from "../../core/event-loop.ts";

function monitor() {
  let now = 0;
  let cpuMicros = 0;
  const m = new EventLoopMonitor(() => now, () => cpuMicros);
  /** One beat `lateMs` after the expected second, with `cpuMs` of CPU time used meanwhile. */
  const beat = (lateMs: number, cpuMs = 0) => {
    now += 1000 + lateMs;
    cpuMicros += cpuMs * 1000;
    m.beat(1000);
  };
  return { m, beat };
}

test("delays: p99 and max over the last minute of beats; quiet -> not degraded", () => {
  const { m, beat } = monitor();
  for (let i = 0; i < 99; i++) beat(2);
  beat(80);
  expect(m.current).toMatchObject({ degraded: false, degradedSinceMs: null, reasons: [], intervalMs: 1080, delayMaxMs: 80, delayP99Ms: 80 });
  for (let i = 0; i < 60; i++) beat(1);
  // The 80 ms beat has left the one-minute window.
  expect(m.current).toMatchObject({ delayMaxMs: 1, delayP99Ms: 1 });
});

test("a blocked loop is degraded for 'delay' and says for how long; it recovers once beats are on time", () => {
  const { m, beat } = monitor();
  beat(900);
  expect(m.current).toMatchObject({ degraded: true, reasons: ["delay"], degradedSinceMs: 0 });
  beat(0);
  expect(m.current).toMatchObject({ degraded: true, degradedSinceMs: 1000 });
  for (let i = 0; i < 60; i++) beat(0);
  expect(m.current).toMatchObject({ degraded: false, reasons: [], degradedSinceMs: null });
});

test("CPU share of the last interval: cpuCoreRatio as measured, utilization capped at one core; >= 0.9 is 'cpu'", () => {
  const { m, beat } = monitor();
  beat(0, 500);
  expect(m.current).toMatchObject({ cpuCoreRatio: 0.5, utilization: 0.5, degraded: false });
  beat(0, 1500);
  expect(m.current).toMatchObject({ cpuCoreRatio: 1.5, utilization: 1, degraded: true, reasons: ["cpu"] });
});
