/**
 * Test harness: real gateways on port 0 with throwaway state dirs, in-process
 * or as a child process running the real CLI.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ResolvedAuth } from "../../core/auth/secrets.ts";
import { serializeConfig } from "../../core/config/document.ts";
import type { OpenClawConfig } from "../../core/config/schema.ts";
import { ConfigFile } from "../../runtime-bun/host/config-file.ts";
import { liveConfig } from "../../runtime-bun/host/config-live.ts";
import { bunPlatform } from "../../runtime-bun/platform.ts";
import { bunProcessHost } from "../../runtime-bun/process-host.ts";
import { hostInfo } from "../../runtime-bun/host/host-info.ts";
import { resolveHost } from "../../runtime-bun/host/dns.ts";
import { bunPinnedFetch } from "../../runtime-bun/pinned-fetch.ts";
import { FileLogger } from "../../runtime-bun/host/log-file.ts";
import { serveBridge } from "../../runtime-bun/bridge.ts";
import { serveGateway, type RunningGateway } from "../../runtime-bun/server.ts";
import { databasePath, SqliteStore } from "../../runtime-bun/sqlite-store.ts";
import { loadOrCreateConfigRevisionKey, loadOrCreateIdentity, readSnapshot } from "../../runtime-bun/host/state.ts";

export const TEST_TOKEN = "test-token-0123456789abcdef";

export interface TestGateway {
  running: RunningGateway;
  url: string;
  port: number;
  dir: string;
  store: SqliteStore;
  logger: FileLogger;
  /** The TCP node bridge's port, when started with `bridge: true`. */
  bridgePort?: number;
  /** `<dir>/openclaw.json`, behind `config.*` (written from `config` when absent). */
  configPath: string;
  /** Reasons of in-place restarts the config reloader asked for. */
  restarts: string[];
  stop(): Promise<void>;
}

export interface TestGatewayOptions {
  auth?: ResolvedAuth;
  config?: OpenClawConfig;
  handshakeTimeoutMs?: number;
  tickIntervalMs?: number;
  hostnames?: string[];
  /** Run on this existing state dir (to restart a gateway on the same state); it is not removed on stop. */
  dir?: string;
  /** Also start the TCP node bridge, on a port of its own. */
  bridge?: boolean;
  /** Give the gateway the Bun process runner, which offers agents the `exec` tool. */
  exec?: boolean;
}

/** A gateway in this process on 127.0.0.1:0 with token auth unless told otherwise. */
export async function startTestGateway(opts: TestGatewayOptions = {}): Promise<TestGateway> {
  // A caller-owned state dir (restart tests) outlives the gateway; a fresh one is removed on stop.
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), "clawgate-test-"));
  const store = new SqliteStore(databasePath(dir));
  const logger = new FileLogger(join(dir, "logs", "gateway.log"), "debug", null);
  const auth = opts.auth ?? { mode: "token", token: TEST_TOKEN };
  const configPath = join(dir, "openclaw.json");
  if (!existsSync(configPath)) writeFileSync(configPath, serializeConfig(opts.config ?? {}), { mode: 0o600 });
  const restarts: string[] = [];
  let gateway: RunningGateway | undefined;
  const live = liveConfig({
    snapshot: readSnapshot(configPath),
    file: new ConfigFile(configPath),
    hashKey: loadOrCreateConfigRevisionKey(dir),
    logger,
    runtimeFlags: { token: auth.token, password: auth.password, auth: auth.mode },
    runtimeToken: TEST_TOKEN,
    gateway: () => gateway?.gateway,
    logSettings: () => ({ level: "debug" }),
    restart: (reason) => void restarts.push(reason),
  });
  const running = await serveGateway({
    config: opts.config ?? {},
    auth,
    configService: live.service,
    host: hostInfo({ configPath: join(dir, "openclaw.json"), stateDir: dir }, bunPlatform.runtime),
    identity: loadOrCreateIdentity(dir),
    logger,
    logs: logger,
    devices: store,
    senders: store,
    nodes: store,
    sessions: store,
    scheduler: store,
    approvals: store,
    processes: opts.exec ? bunProcessHost : undefined,
    buildId: "clawgate-test",
    handshakeTimeoutMs: opts.handshakeTimeoutMs,
    tickIntervalMs: opts.tickIntervalMs,
    resolveHost,
    pinnedFetch: bunPinnedFetch,
    port: 0,
    hostnames: opts.hostnames ?? ["127.0.0.1"],
  });
  gateway = running;
  const bridge = opts.bridge ? await serveBridge(running, { port: 0 }) : undefined;
  return {
    running,
    url: `ws://127.0.0.1:${running.port}`,
    port: running.port,
    dir,
    store,
    logger,
    bridgePort: bridge?.port,
    configPath,
    restarts,
    async stop() {
      await running.stop();
      bridge?.stop();
      store.close();
      logger.close();
      if (!opts.dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}
