/**
 * `/health` polled back to back from a process of its own, so the load a
 * scenario generates in its own event loop does not inflate the figure:
 * started with the port as argv[2], it polls until its stdin closes, then
 * prints `{"max":…,"p99":…,"count":…}` (round trips in ms) and exits.
 */
import { quantile } from "./report.ts";

const port = Number(process.argv[2]);
const rtts: number[] = [];
let running = true;
void (async () => {
  const reader = Bun.stdin.stream().getReader();
  while (!(await reader.read()).done);
  running = false;
})();
console.error("polling");
while (running) {
  const t0 = performance.now();
  const res = await fetch(`http://127.0.0.1:${port}/health`);
  await res.arrayBuffer();
  if (!res.ok) throw new Error(`/health answered ${res.status}`);
  rtts.push(performance.now() - t0);
}
console.log(JSON.stringify({ max: Math.max(...rtts), p99: quantile(rtts, 0.99), count: rtts.length }));
