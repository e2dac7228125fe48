/**
 * The gateway under test as a child process: the real CLI
 * (`clawgate gateway run --port 0`) with a throwaway state dir and a known
 * token, so load generators in this process never share its event loop.
 * `runtime` picks the shim: Bun (runtime-bun/bin/clawgate.ts) or the
 * Node >= 22.13 (dist/clawgate-node.mjs, bundled from the source first; the
 * machine's Node or npm's Node 24, test/harness/node-runtime.ts).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { Subprocess } from "bun";
import { buildNodeBundle } from "../../runtime-node/build.ts";
import { testNode } from "../../test/harness/node-runtime.ts";

/** The shared secret every bench gateway is started with. */
export const BENCH_TOKEN = "bench-token-0123456789abcdef";

/** Path of the CLI entry point. */
export const CLI = resolve(import.meta.dir, "../../runtime-bun/bin/clawgate.ts");

/** The `clawgate` bin (what `npm start` runs): it compiles `BIN_EXECUTABLE` when stale, then execs it. */
export const BIN = resolve(import.meta.dir, "../../runtime-bun/bin/clawgate");
/** The binary the bin runs: the file a memory reading drops from the page cache (lib/memory.ts). */
export const BIN_EXECUTABLE = resolve(import.meta.dir, "../../dist/host/clawgate");

/** The shims a bench can start the gateway on. */
export type GatewayRuntime = "bun" | "node";

let nodeBundle: Promise<string> | undefined;

/** argv that runs the clawgate CLI on `runtime`. */
export async function gatewayCommand(runtime: GatewayRuntime): Promise<string[]> {
  if (runtime === "bun") return [process.execPath, CLI];
  return [testNode(), await (nodeBundle ??= buildNodeBundle())];
}

export interface GatewayProcess {
  runtime: GatewayRuntime;
  proc: Subprocess<"ignore", "pipe", "pipe">;
  pid: number;
  port: number;
  url: string;
  dir: string;
  /** Last lines the gateway wrote to stderr, for error messages. */
  stderrTail: StreamTail;
  stop(): Promise<void>;
}

/** A state dir that only this run uses; HOME points there too so nothing touches ~/.openclaw. */
export function tempStateEnv(): { dir: string; env: Record<string, string> } {
  const dir = mkdtempSync(join(tmpdir(), "clawgate-bench-"));
  return { dir, env: { ...(process.env as Record<string, string>), HOME: dir, OPENCLAW_STATE_DIR: join(dir, ".openclaw"), OPENCLAW_HOME: dir } };
}

/** The tail of a drained stream; `finished` settles once the stream ended. */
export interface StreamTail {
  (): string;
  finished: Promise<void>;
  /** Resolves with the first match of `pattern` in the output so far or to come; rejects after `ms` or at the end of the stream. */
  waitFor(pattern: RegExp, ms?: number): Promise<RegExpExecArray>;
}

/** Keeps the last `max` characters of a stream, draining it so the child never blocks on a full pipe. */
export function drainTail(stream: ReadableStream<Uint8Array>, max = 4000): StreamTail {
  let tail = "";
  let ended = false;
  const waiters = new Set<() => void>();
  const decoder = new TextDecoder();
  const reader = stream.getReader();
  const finished = (async () => {
    for (let r = await reader.read(); !r.done; r = await reader.read()) {
      tail = (tail + decoder.decode(r.value, { stream: true })).slice(-max);
      for (const w of waiters) w();
    }
  })().catch(() => undefined).finally(() => {
    ended = true;
    for (const w of waiters) w();
  });
  const waitFor = (pattern: RegExp, ms = 5000) => new Promise<RegExpExecArray>((resolve, reject) => {
    const timer = setTimeout(() => done(new Error(`no ${pattern} within ${ms} ms:\n${tail}`)), ms);
    const done = (error?: Error, match?: RegExpExecArray) => {
      clearTimeout(timer);
      waiters.delete(check);
      if (match) resolve(match);
      else reject(error);
    };
    const check = () => {
      const match = pattern.exec(tail);
      if (match) done(undefined, match);
      else if (ended) done(new Error(`stream ended without ${pattern}:\n${tail}`));
    };
    waiters.add(check);
    check();
  });
  return Object.assign(() => tail, { finished, waitFor });
}

/** Config sections for an agent whose model is `bench/<model>`, served OpenAI-compatibly at `baseUrl`; no heartbeat. */
export function localModelConfig(baseUrl: string, model: string): Record<string, unknown> {
  return {
    models: { providers: { bench: { baseUrl, models: [model] } } },
    agents: { defaults: { model: `bench/${model}`, heartbeat: { every: "0m" } } },
  };
}

/**
 * Starts `clawgate gateway run --port 0 --token BENCH_TOKEN` on `runtime`; resolves once it printed its port. With
 * `config`, the state dir's openclaw.json (0600) holds those sections beside a local gateway using BENCH_TOKEN.
 */
export async function startGatewayProcess(runtime: GatewayRuntime = "bun", extraArgs: string[] = [], config?: Record<string, unknown>): Promise<GatewayProcess> {
  const command = await gatewayCommand(runtime);
  const { dir, env } = tempStateEnv();
  if (config) {
    mkdirSync(env.OPENCLAW_STATE_DIR!, { recursive: true, mode: 0o700 });
    const gateway = { mode: "local", auth: { mode: "token", token: BENCH_TOKEN } };
    writeFileSync(join(env.OPENCLAW_STATE_DIR!, "openclaw.json"), JSON.stringify({ gateway, ...config }), { mode: 0o600 });
  }
  const proc = Bun.spawn([...command, "gateway", "run", "--port", "0", "--token", BENCH_TOKEN, ...extraArgs], {
    env,
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  const stderrTail = drainTail(proc.stderr);
  const port = await readPort(proc.stdout, proc.exited, stderrTail, /clawgate listening on port (\d+)/);
  return {
    runtime,
    proc,
    pid: proc.pid,
    port,
    url: `ws://127.0.0.1:${port}`,
    dir,
    stderrTail,
    async stop() {
      proc.kill("SIGTERM");
      const timer = setTimeout(() => proc.kill("SIGKILL"), 3000);
      await proc.exited;
      clearTimeout(timer);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Reads stdout until `pattern` (whose group 1 is the port) appears, then keeps draining it. */
export async function readPort(stdout: ReadableStream<Uint8Array>, exited: Promise<number>, stderrTail: StreamTail, pattern: RegExp): Promise<number> {
  const reader = stdout.getReader();
  const decoder = new TextDecoder();
  let text = "";
  let listening = false;
  const died = exited.then(async (code) => {
    if (listening) return;
    await stderrTail.finished;
    throw new Error(`child exited with ${code} before listening:\n${stderrTail()}`);
  });
  while (true) {
    const read = await Promise.race([reader.read(), died]);
    if (!read) continue;
    const { value, done } = read;
    if (done) return await died.then(() => Promise.reject(new Error("child closed stdout before listening")));
    text += decoder.decode(value, { stream: true });
    const match = pattern.exec(text);
    if (match) {
      listening = true;
      void (async () => {
        while (!(await reader.read()).done);
      })();
      return Number(match[1]);
    }
  }
}

/** The bare Bun floor server (lib/floor-server.ts) as a child process. */
export async function startFloorProcess(echoPayload: unknown = {}): Promise<{ port: number; url: string; stop(): Promise<void> }> {
  const proc = Bun.spawn([process.execPath, resolve(import.meta.dir, "floor-server.ts")], {
    env: { ...process.env, BENCH_ECHO_PAYLOAD: JSON.stringify(echoPayload) },
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  const port = await readPort(proc.stdout, proc.exited, drainTail(proc.stderr), /floor listening on port (\d+)/);
  return {
    port,
    url: `ws://127.0.0.1:${port}`,
    async stop() {
      proc.kill("SIGTERM");
      await proc.exited;
    },
  };
}
