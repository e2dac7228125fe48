/**
 * Scenario: the Telegram channel (issue 14).
 * - inbound update -> first sendMessage: the gateway (real CLI, child process,
 *   embedded agent) long-polls the local Bot API (test/harness/telegram-api.ts)
 *   in this process; a sample queues one DM update and ends when the gateway's
 *   sendMessage for it arrives. The floor is a bare echo bot (lib/telegram-echo.ts,
 *   a child process: getUpdates -> sendMessage, nothing stored, no agent) on the
 *   same server. The embedded agent streams its reply a word per timer tick
 *   (core/agent/embedded.ts), which is the agent's time, not the gateway's: it
 *   is measured on its own in this process (the same second-turn reply) and
 *   taken out. Overhead = gateway p50 - floor p50 - agent p50 (what storing,
 *   policy, the session, the outbox and formatting add).
 * - idle RSS of the `clawgate` bin with Telegram polling vs the same bin with no
 *   channel configured, alternating runs, 1 s after the first /health 200.
 *   Budget: <= 5 MB more.
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { mkdtempSync } from "node:fs";
import { EmbeddedProvider } from "../core/agent/embedded.ts";
import { databasePath, SqliteStore } from "../runtime-bun/sqlite-store.ts";
import type { TurnMessage } from "../core/agent/provider.ts";
import { startTelegramApi, type SentMessage } from "../test/harness/telegram-api.ts";
import { BENCH_TOKEN, BIN, CLI, drainTail, readPort, tempStateEnv } from "./lib/gateway-process.ts";
import { compareLatency } from "./lib/mitata-run.ts";
import { memory } from "./lib/memory.ts";
import { median, quantile, report } from "./lib/report.ts";
import { freePort } from "./lib/start-probe.ts";

const RSS_RUNS = 5;
const IDLE_MS = 1000;

/** A gateway state dir with `config`; returns its env. */
function stateWith(config: Record<string, unknown>): { dir: string; env: Record<string, string> } {
  const state = tempStateEnv();
  mkdirSync(state.env.OPENCLAW_STATE_DIR!, { recursive: true, mode: 0o700 });
  writeFileSync(join(state.env.OPENCLAW_STATE_DIR!, "openclaw.json"), JSON.stringify({
    gateway: { mode: "local", auth: { mode: "token", token: BENCH_TOKEN } },
    agents: { defaults: { heartbeat: { every: "0m" } } },
    ...config,
  }), { mode: 0o600 });
  return state;
}

// --- latency: update -> first sendMessage ---
const tg = startTelegramApi();
const waiting = new Map<number, (t: number) => void>();
tg.onSent((m: SentMessage) => {
  if (m.reply_to !== undefined) waiting.get(m.reply_to)?.(performance.now());
});
/** Queues a DM and resolves with the time until its reply was sent. */
const sample = (into: number[]) => async () => {
  let messageId = 0;
  const replied = new Promise<number>((resolve) => {
    const t0 = performance.now();
    messageId = tg.messageIdOf(tg.message({ from: 5000 + (into.length % 50), text: "ping" }))!;
    waiting.set(messageId, (t) => resolve(t - t0));
  });
  into.push(await replied);
  waiting.delete(messageId);
};

const gwState = stateWith({ channels: { telegram: { botToken: tg.token, apiRoot: tg.apiRoot, dmPolicy: "open", allowFrom: ["*"] } } });
const gateway = Bun.spawn([process.execPath, CLI, "gateway", "run", "--port", "0"], { env: gwState.env, stdin: "ignore", stdout: "pipe", stderr: "pipe" });
const gatewayTail = drainTail(gateway.stderr);
const via: number[] = [];
const floor: number[] = [];
try {
  await readPort(gateway.stdout, gateway.exited, gatewayTail, /clawgate listening on port (\d+)/);
  await tg.until(() => tg.polling() > 0);
  const viaGateway = sample(via);
  for (let i = 0; i < 30; i++) await viaGateway();
  via.length = 0;
  await compareLatency([{ name: "update -> sendMessage (gateway, embedded agent)", fn: viaGateway }], { rounds: 3, cpuMsPerRound: 300 });
} finally {
  gateway.kill("SIGTERM");
  await gateway.exited;
  rmSync(gwState.dir, { recursive: true, force: true });
}
await tg.until(() => tg.polling() === 0);
const echo = Bun.spawn([process.execPath, join(import.meta.dir, "lib", "telegram-echo.ts"), tg.apiRoot, tg.token], { stdin: "ignore", stdout: "ignore", stderr: "inherit" });
try {
  await tg.until(() => tg.polling() > 0);
  const viaEcho = sample(floor);
  for (let i = 0; i < 30; i++) await viaEcho();
  floor.length = 0;
  await compareLatency([{ name: "update -> sendMessage (bare echo bot)", fn: viaEcho }], { rounds: 3, cpuMsPerRound: 300 });
} finally {
  echo.kill("SIGKILL");
  await echo.exited;
}

// --- the embedded agent alone: the same kind of reply, streamed to its end ---
const agent: number[] = [];
const provider = new EmbeddedProvider();
const history: TurnMessage[] = [];
for (let i = 0; i < 20; i++) history.push({ role: "user", content: "ping" }, { role: "assistant", content: "You said: \"ping\"." });
const agentTurn = async () => {
  const t0 = performance.now();
  for await (const _ of provider.stream({ model: "embedded", messages: [...history, { role: "user", content: "ping" }], signal: new AbortController().signal, purpose: "chat" })) void _;
  agent.push(performance.now() - t0);
};
for (let i = 0; i < 30; i++) await agentTurn();
agent.length = 0;
await compareLatency([{ name: "embedded agent reply, streamed (this process)", fn: agentTurn }], { rounds: 3, cpuMsPerRound: 300 });

// --- one durable commit on this disk (WAL, synchronous=FULL): the unit the path above pays several times ---
const commitDir = mkdtempSync(join(tempStateEnv().dir, "commit-"));
const commitStore = new SqliteStore(databasePath(commitDir));
const commits: number[] = [];
for (let i = 0; i < 60; i++) {
  const t0 = performance.now();
  commitStore.putCursor("bench", "default", String(i));
  if (i >= 10) commits.push(performance.now() - t0);
}
commitStore.close();
rmSync(commitDir, { recursive: true, force: true });

// --- idle RSS: Telegram polling vs no channels ---
async function idleRss(config: Record<string, unknown>, ready: () => boolean): Promise<number> {
  const state = stateWith(config);
  const port = freePort();
  const proc = Bun.spawn([BIN, "gateway", "run", "--port", String(port)], { env: state.env, stdin: "ignore", stdout: "ignore", stderr: "pipe" });
  const tail = drainTail(proc.stderr);
  try {
    for (const deadline = performance.now() + 15_000; ; await Bun.sleep(2)) {
      if (performance.now() > deadline) throw new Error(`gateway did not come up:\n${tail()}`);
      if (await fetch(`http://127.0.0.1:${port}/health`).then((r) => r.ok, () => false) && ready()) break;
    }
    await Bun.sleep(IDLE_MS);
    return memory(proc.pid).rss;
  } finally {
    proc.kill("SIGTERM");
    await proc.exited;
    rmSync(state.dir, { recursive: true, force: true });
  }
}
const rss = { none: [] as number[], telegram: [] as number[] };
const getMeBefore = () => tg.calls.filter((c) => c === "getUpdates").length;
for (let i = 0; i < RSS_RUNS; i++) {
  rss.none.push(await idleRss({}, () => true));
  const polls = getMeBefore();
  rss.telegram.push(await idleRss({ channels: { telegram: { botToken: tg.token, apiRoot: tg.apiRoot } } }, () => getMeBefore() > polls));
}
tg.stop();

const p50 = (v: number[]) => quantile([...v].sort((a, b) => a - b), 0.5);
const [v50, f50, a50] = [p50(via), p50(floor), p50(agent)];
const extra = median(rss.telegram) - median(rss.none);
report({
  scenario: "telegram: inbound update -> first sendMessage (gateway child process, embedded agent, local Bot API); idle RSS with polling",
  metrics: [
    { name: "gateway overhead p50", value: v50 - f50 - a50, unit: "ms", note: "via gateway p50 minus bare echo bot p50 minus the embedded agent's own p50" },
    { name: "update -> sendMessage via gateway p50", value: v50, unit: "ms", note: `${via.length} samples` },
    { name: "update -> sendMessage via gateway p99", value: quantile([...via].sort((a, b) => a - b), 0.99), unit: "ms" },
    { name: "update -> sendMessage, bare echo bot p50", value: f50, unit: "ms", note: `${floor.length} samples` },
    { name: "embedded agent reply alone p50", value: a50, unit: "ms", note: `${agent.length} samples, word-per-tick streaming` },
    { name: "one SQLite commit on this disk p50", value: p50(commits), unit: "ms", note: "WAL, synchronous=FULL; the inbound store, the agent's transcript and run rows and the outbox each commit before the reply leaves" },
    { name: "idle RSS with Telegram polling - without channels", value: extra, unit: "MB", budget: { op: "<=", limit: 5 }, note: `bin, ${RSS_RUNS} alternating runs each: ${median(rss.telegram).toFixed(1)} vs ${median(rss.none).toFixed(1)} MB` },
  ],
});
