/**
 * One interop suite, two runtimes: the gateway as the real CLI in a child
 * process (`gateway run --port 0`), under Bun (runtime-bun/bin/clawgate.ts)
 * or under Node >= 22.13 (dist/clawgate-node.mjs, bundled from the current
 * source first; the machine's Node or npm's, test/harness/node-runtime.ts),
 * with a throwaway HOME and state dir whose openclaw.json sets the test token.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Subprocess } from "bun";
import { serializeConfig } from "../../core/config/document.ts";
import type { OpenClawConfig } from "../../core/config/schema.ts";
import { databasePath, SqliteStore } from "../../runtime-bun/sqlite-store.ts";
import { buildNodeBundle } from "../../runtime-node/build.ts";
import { TEST_TOKEN } from "./gateway.ts";
import { testNode } from "./node-runtime.ts";
import { CLI, spawnGateway, type ChildGateway } from "./process.ts";

export const RUNTIMES = ["bun", "node"] as const;
export type Runtime = (typeof RUNTIMES)[number];

const STOP_GRACE_MS = 5_000;

/** For tests that stop and start child gateways (Node's start-up is the slower): past bun's 5 s default. */
export const RESTART_TIMEOUT_MS = 20_000;

export interface RuntimeGateway {
  runtime: Runtime;
  url: string;
  port: number;
  /** Pid of the process serving the gateway. */
  pid: number;
  /** The TCP node bridge's port (gateway port + 1), when it started. */
  bridgePort?: number;
  /** The state dir (OPENCLAW_STATE_DIR), which holds openclaw.json. */
  stateDir: string;
  /** The gateway's JSONL log. */
  logFile: string;
  /** The child's state database through a second connection of this process (opened on first use), to check what it stored. */
  readonly store: SqliteStore;
  /** Everything the child wrote to stderr so far. */
  stderr(): string;
  /** SIGTERM (graceful), SIGKILL after a grace period; removes the state dir unless the caller gave it. */
  stop(): Promise<void>;
  /** SIGKILL, no grace (a crash); resolves once the process is gone. The state dir stays until stop(). */
  kill(): Promise<void>;
}

let nodeBundle: Promise<string> | undefined;

/** argv that runs the clawgate CLI on `runtime`. */
export async function runtimeCommand(runtime: Runtime): Promise<string[]> {
  if (runtime === "bun") return [process.execPath, CLI];
  const node = testNode();
  // Once per test process: every Node gateway of this run executes the source as it is now.
  return [node, await (nodeBundle ??= buildNodeBundle())];
}

async function terminate(proc: Subprocess): Promise<void> {
  proc.kill("SIGTERM");
  const timer = setTimeout(() => proc.kill("SIGKILL"), STOP_GRACE_MS);
  await proc.exited;
  clearTimeout(timer);
}

export interface RuntimeGatewayOptions {
  /** openclaw.json; `gateway.auth` defaults to token mode with the test token. */
  config?: OpenClawConfig;
  /** Extra environment, e.g. OPENCLAW_HANDSHAKE_TIMEOUT_MS. */
  env?: Record<string, string>;
  /** argv prefix the gateway runs under, e.g. a network namespace's `ip netns exec <name>`. */
  wrap?: string[];
  /** Run with this existing HOME (state in `<dir>/.openclaw`), to restart on the same state; it is not removed on stop. */
  dir?: string;
}

/** Starts the gateway on `runtime`; resolves once it listens. */
export async function startRuntimeGateway(runtime: Runtime, opts: RuntimeGatewayOptions = {}): Promise<RuntimeGateway> {
  const config = opts.config ?? {};
  const argv = [...(opts.wrap ?? []), ...(await runtimeCommand(runtime))];
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), `clawgate-${runtime}-`));
  const owned = opts.dir === undefined;
  const stateDir = join(dir, ".openclaw");
  mkdirSync(stateDir, { mode: 0o700, recursive: true });
  const withToken = { ...config, gateway: { ...config.gateway, auth: config.gateway?.auth ?? { mode: "token", token: TEST_TOKEN } } };
  writeFileSync(join(stateDir, "openclaw.json"), serializeConfig(withToken), { mode: 0o600 });
  let child: ChildGateway;
  try {
    child = await spawnGateway(dir, ["--port", "0"], { OPENCLAW_STATE_DIR: stateDir, ...opts.env }, argv);
  } catch (error) {
    if (owned) rmSync(dir, { recursive: true, force: true });
    throw new Error(`${runtime} ${(error as Error).message}`);
  }
  const { proc, port } = child;
  // Logged before the stdout line; a taken port + 1 is logged as "not started".
  const bridge = await child.waitForStderr(/node bridge (?:listening on tcp port (\d+)|not started)/);
  let store: SqliteStore | undefined;
  return {
    runtime,
    url: child.url,
    port,
    pid: proc.pid,
    bridgePort: bridge?.[1] ? Number(bridge[1]) : undefined,
    stateDir,
    logFile: join(stateDir, "logs", "gateway.log"),
    stderr: child.stderr,
    get store() {
      return (store ??= new SqliteStore(databasePath(stateDir)));
    },
    async kill() {
      proc.kill("SIGKILL");
      await proc.exited;
    },
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) await terminate(proc);
      store?.close();
      if (owned) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A gateway whose TCP node bridge started. The bridge takes the gateway's port + 1, which another
 * socket on this busy machine may hold (the gateway then runs without it), so a few tries.
 */
export async function startRuntimeGatewayWithBridge(runtime: Runtime, opts: RuntimeGatewayOptions = {}): Promise<RuntimeGateway> {
  const taken: number[] = [];
  for (let attempt = 0; attempt < 3; attempt++) {
    const gw = await startRuntimeGateway(runtime, opts);
    if (gw.bridgePort !== undefined) return gw;
    taken.push(gw.port + 1);
    await gw.stop();
  }
  throw new Error(`the ${runtime} gateway never started its bridge: ports ${taken.join(", ")} were taken`);
}
