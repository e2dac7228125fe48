/**
 * `clawgate gateway run`: the gateway in the foreground, with OpenClaw's flags.
 * Holds the state dir's lock for its whole life; watches the config and
 * hot-applies or restarts in place (spec §11); SIGUSR2 restarts in place,
 * SIGINT/SIGTERM stop (§12). Config and security refusals exit 78.
 */
import { readFileSync } from "node:fs";
import type { AuthMode } from "../../../core/auth/secrets.ts";
import { ConfigRefusal } from "../../../core/config/auth.ts";
import { formatConfigIssues, type ConfigSnapshot } from "../../../core/config/document.ts";
import { defaultLogFile, type Paths } from "../../../core/config/paths.ts";
import type { OpenClawConfig } from "../../../core/config/schema.ts";
import type { SqlStore } from "../../../core/storage/sql-store.ts";
import { envFor } from "../config-env.ts";
import { telegramPlugin } from "../../../core/channels/telegram/plugin.ts";
import { discordPlugin } from "../../../core/channels/discord/plugin.ts";
import { slackPlugin } from "../../../core/channels/slack/plugin.ts";
import { whatsappPlugin } from "../channels/whatsapp/plugin.ts";
import { databasePath } from "../database-file.ts";
import { readSecretFile } from "../secret-file.ts";
import { ConfigFile, removeStaleWriteFiles } from "../config-file.ts";
import { liveConfig, maskSecrets } from "../config-live.ts";
import { resolveRuntime, type GatewayRuntime, type RuntimeFlags } from "../config-runtime.ts";
import { watchConfig } from "../config-watch.ts";
import { hookTransformLoader } from "../hook-transforms.ts";
import { hostInfo } from "../host-info.ts";
import { FileLogger } from "../log-file.ts";
import { startDiscovery } from "../discovery.ts";
import type { Platform, RunningBridge, RunningGateway } from "../platform.ts";
import { acquireLock, isLive, releaseLock, updateLock, type LockRecord } from "../service/lock.ts";
import { describeHolders, portHolders, stopProcess } from "../service/process-info.ts";
import { ConfigError, currentPaths, firstRunSecret, generateToken, loadOrCreateConfig, loadOrCreateConfigRevisionKey, loadOrCreateIdentity, readSnapshot } from "../state.ts";
import { VERSION } from "../version.ts";
import { createdNotice } from "./config-edit.ts";
import { color, EXIT, fail } from "./output.ts";
import { resolveHost } from "../dns.ts";

export interface RunFlags {
  port?: number;
  bind?: string;
  token?: string;
  password?: string;
  passwordFile?: string;
  auth?: string;
  profile?: string;
  verbose?: boolean;
  force?: boolean;
  allowUnconfigured?: boolean;
}

/** How one gateway instance ended: stopped for good, or restarting in place. */
type InstanceEnd = { code: number } | { restart: string };

/** Delay before an in-place restart, so the RPC that triggered it gets its answer first. */
const RESTART_DELAY_MS = 100;
/** Clients are told to expect the gateway back this soon (`shutdown.restartExpectedMs`). */
const RESTART_EXPECTED_MS = 1_500;

function logSettings(config: OpenClawConfig, paths: Paths, verbose: boolean | undefined) {
  return {
    level: verbose ? "debug" : process.env.OPENCLAW_LOG_LEVEL ?? config.logging?.level ?? "info",
    file: config.logging?.file ?? defaultLogFile(paths.stateDir),
    maxFileBytes: config.logging?.maxFileBytes,
  };
}

/** Command-line arguments with secret values dropped: the lock file must not hold credentials. */
function publicArgs(argv: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--token" || a === "--password") i++;
    else if (!a.startsWith("--token=") && !a.startsWith("--password=")) out.push(a);
  }
  return out;
}

/** Takes the state dir's lock; with --force, first stops a live clawgate that holds it. */
async function takeLock(paths: Paths, force: boolean | undefined): Promise<true | number> {
  const record = { startedAt: new Date().toISOString(), version: VERSION, configPath: paths.configPath, args: publicArgs(process.argv.slice(2)) };
  let result = acquireLock(paths.stateDir, record);
  if (!result.ok && force && isLive(result.holder)) {
    // Only a process this state dir's lock names and that is verifiably clawgate is ever stopped (§12 --force).
    process.stderr.write(`${color.yellow("--force")}: stopping the clawgate gateway that holds ${paths.stateDir} (pid ${result.holder.pid})\n`);
    await stopProcess(result.holder.pid);
    result = acquireLock(paths.stateDir, record);
  }
  if (result.ok) return true;
  const holder: LockRecord = result.holder;
  return fail(
    `gateway already running (pid ${holder.pid}${holder.port ? `, port ${holder.port}` : ""}) for state dir ${paths.stateDir}`,
    EXIT.config,
    "Stop it with `clawgate gateway stop`, restart it with `clawgate gateway restart`, or replace it with `gateway run --force`.",
  );
}

/** Runs until SIGINT/SIGTERM; resolves with the exit code. */
export async function gatewayRun(flags: RunFlags, platform: Platform): Promise<number> {
  const paths = currentPaths(flags.profile);
  let loaded;
  try {
    loaded = loadOrCreateConfig(paths, firstRunSecret(envFor(null), flags));
  } catch (error) {
    if (error instanceof ConfigError) return fail(error.message, EXIT.config, "Fix the file, or run `clawgate doctor --fix` to restore the last-known-good config.");
    throw error;
  }
  let password = flags.password;
  try {
    if (flags.passwordFile) password = readFileSync(flags.passwordFile, "utf8").trim();
  } catch (error) {
    return fail(`cannot read --password-file: ${(error as Error).message}`, EXIT.config);
  }
  const runtimeFlags: RuntimeFlags = { port: flags.port, bind: flags.bind, token: flags.token, password, auth: flags.auth as AuthMode | undefined, profile: paths.profile, allowUnconfigured: flags.allowUnconfigured };
  const runtimeToken = generateToken();
  let first: GatewayRuntime;
  // Refuse a config that cannot run before touching the lock, so a refusal never disturbs a running gateway.
  try {
    first = resolveRuntime(loaded.config, envFor(loaded.snapshot.parsed), runtimeFlags, runtimeToken);
  } catch (error) {
    if (error instanceof ConfigRefusal) return fail(error.message, EXIT.config);
    throw error;
  }
  const locked = await takeLock(paths, flags.force);
  if (locked !== true) return locked;

  let logger: FileLogger | undefined;
  let store: SqlStore | undefined;
  // Contained, not fatal: one misbehaving promise must never take the gateway down (upstream's crash loop).
  const onRejection = (reason: unknown) => logger?.error("gateway", "unhandled rejection (contained)", { reason: String(reason) });
  const onException = (error: Error) => logger?.error("gateway", "uncaught exception (contained)", { error: error.stack ?? String(error) });
  try {
    const settings = logSettings(loaded.config, paths, flags.verbose);
    logger = new FileLogger(settings.file, settings.level, undefined, settings.maxFileBytes);
    if (loaded.created) process.stderr.write(createdNotice(paths.configPath, first.secretSource));
    process.on("unhandledRejection", onRejection);
    process.on("uncaughtException", onException);
    store = await platform.openStore(databasePath(paths.stateDir));
    const file = new ConfigFile(paths.configPath);
    // Temp copies a killed writer left behind may hold the token (§11).
    const stale = removeStaleWriteFiles(paths.configPath);
    if (stale.length > 0) logger.info("config", `removed ${stale.length} file(s) a killed config writer left behind`, { files: stale });
    const hashKey = loadOrCreateConfigRevisionKey(paths.stateDir);
    let snapshot = loaded.snapshot;
    for (;;) {
      const end = await runInstance({ platform, paths, flags, runtimeFlags, runtimeToken, snapshot, logger, store, file, hashKey });
      if ("code" in end) return end.code;
      logger.info("gateway", `restarting in place (${end.restart})`);
      const next = readSnapshot(paths.configPath);
      if (next.valid && next.config) snapshot = next;
      else logger.error("gateway", `config at ${paths.configPath} is invalid; restarting with the running config: ${formatConfigIssues(next.issues)}`);
    }
  } finally {
    process.off("unhandledRejection", onRejection);
    process.off("uncaughtException", onException);
    store?.close();
    logger?.close();
    releaseLock(paths.stateDir);
  }
}

/** The node bridge for `gateway run`: a taken port is logged, not fatal. */
async function startBridge(platform: Platform, running: RunningGateway, logger: FileLogger): Promise<RunningBridge | undefined> {
  try {
    const bridge = await platform.serveBridge(running);
    logger.info("gateway", `node bridge listening on tcp port ${bridge.port}`, { port: bridge.port });
    return bridge;
  } catch (error) {
    logger.warn("gateway", `node bridge not started: ${String(error)}`);
    return undefined;
  }
}

interface InstanceContext {
  platform: Platform;
  paths: Paths;
  flags: RunFlags;
  runtimeFlags: RuntimeFlags;
  runtimeToken: string;
  snapshot: ConfigSnapshot;
  logger: FileLogger;
  store: SqlStore;
  file: ConfigFile;
  hashKey: Uint8Array;
}

/** One gateway generation: serve `snapshot` until stopped or asked to restart. */
async function runInstance(ctx: InstanceContext): Promise<InstanceEnd> {
  const { platform, paths, flags, runtimeFlags, runtimeToken, snapshot, logger, store, file, hashKey } = ctx;
  const config = snapshot.config ?? {};
  logger.configure(logSettings(config, paths, flags.verbose));
  let rt: GatewayRuntime;
  try {
    rt = resolveRuntime(config, envFor(snapshot.parsed), runtimeFlags, runtimeToken);
  } catch (error) {
    if (error instanceof ConfigRefusal) return { code: fail(error.message, EXIT.config) };
    throw error;
  }
  maskSecrets(logger, rt, config);
  if (rt.generatedToken) logger.warn("gateway", "auth token was missing. Generated a runtime token for this run; set gateway.auth.token to keep one.");

  let endInstance: (end: InstanceEnd) => void = () => {};
  const ended = new Promise<InstanceEnd>((resolve) => (endInstance = resolve));
  let restartTimer: ReturnType<typeof setTimeout> | undefined;
  const requestRestart = (reason: string) => {
    restartTimer ??= setTimeout(() => endInstance({ restart: reason }), RESTART_DELAY_MS);
  };

  let running: RunningGateway | undefined;
  const { reloader, service: configService } = liveConfig({
    snapshot, file, hashKey, logger, runtimeFlags, runtimeToken,
    gateway: () => running?.gateway,
    logSettings: (c) => logSettings(c, paths, flags.verbose),
    restart: requestRestart,
  });

  try {
    running = await platform.serve({
      config,
      auth: rt.auth,
      host: hostInfo({ configPath: paths.configPath, stateDir: paths.stateDir }, platform.runtime),
      identity: loadOrCreateIdentity(paths.stateDir),
      logger,
      logs: logger,
      devices: store,
      senders: store,
      nodes: store,
      sessions: store,
      scheduler: store,
      channels: store,
      channelPlugins: [telegramPlugin({ env: envFor(snapshot.parsed), readSecretFile, listenHttp: platform.listenHttp }), discordPlugin(envFor(snapshot.parsed)), slackPlugin(envFor(snapshot.parsed)), whatsappPlugin(paths.stateDir, () => reloader.current.config ?? {})],
      approvals: store,
      processes: await platform.processHost(),
      hookTransforms: hookTransformLoader(paths.configPath, platform.importModule),
      configService,
      buildId: `clawgate-${VERSION}`,
      handshakeTimeoutMs: Number(process.env.OPENCLAW_HANDSHAKE_TIMEOUT_MS) || undefined,
      resolveHost,
      pinnedFetch: platform.pinnedFetch,
      port: rt.port,
      hostnames: rt.hosts,
    });
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === "EADDRINUSE") {
      // A stranger on the port is never killed; say who it is and stop (exit 78, no respawn loop).
      const holder = describeHolders(portHolders(rt.port));
      // As upstream, a profile isolates state, not the port: two profiles on the default port collide.
      const hint = paths.profile && rt.portSource === "default"
        ? `--profile ${paths.profile} isolates state, not the port. Give this profile its own: \`clawgate --profile ${paths.profile} config set gateway.port <port>\` (or --port).`
        : "Stop that process or pick another port (--port, OPENCLAW_GATEWAY_PORT or gateway.port).";
      return { code: fail(`another process is already listening on ws://127.0.0.1:${rt.port}: ${holder}`, EXIT.config, hint) };
    }
    throw error;
  }
  const gatewayRunning = running;
  updateLock(paths.stateDir, { port: gatewayRunning.port, logFile: logger.file, secretSource: rt.secretSource });
  if (snapshot.raw !== null) file.markGood(snapshot.raw);
  const addresses = gatewayRunning.hostnames.map((h) => `ws://${h.includes(":") ? `[${h}]` : h}:${gatewayRunning.port}`).join(", ");
  // The terminal gets one announcement (the stdout line below); the log file keeps its record.
  logger.fileInfo("gateway", `listening on ${addresses}`, { port: gatewayRunning.port, bind: rt.bind, authMode: rt.auth.mode });
  // Nodes: the TCP bridge on port + 1, and mDNS / wide-area discovery (§8, §9).
  const bridge = await startBridge(platform, gatewayRunning, logger);
  const discovery = await startDiscovery({ config, env: process.env, gatewayPort: gatewayRunning.port, bridgePort: bridge?.port, stateDir: paths.stateDir, logger });

  const watcher = watchConfig(paths.configPath, () => {
    const next = readSnapshot(paths.configPath);
    if (!next.exists) {
      logger.warn("reload", `config file ${paths.configPath} was removed; keeping the running config`);
      return;
    }
    reloader.consider(next);
  }, (error) => logger.warn("reload", `config watch failed: ${error.message}; edits apply on restart`));

  const onStop = (signal: string) => () => {
    logger.info("gateway", `received ${signal}; shutting down`);
    endInstance({ code: EXIT.ok });
  };
  const onSigint = onStop("SIGINT");
  const onSigterm = onStop("SIGTERM");
  const onSigusr2 = () => endInstance({ restart: "SIGUSR2" });
  process.once("SIGINT", onSigint);
  process.once("SIGTERM", onSigterm);
  process.once("SIGUSR2", onSigusr2);
  // Test harnesses read this line to learn the port when started with --port 0; it comes once
  // the bridge, config watch and signal handlers are in place, so what follows it is never missed.
  // console.log, not process.stdout: building that stream (about 9 ms on Bun) would delay the first request.
  console.log("%s", `clawgate listening on port ${gatewayRunning.port} (${addresses})`);
  platform.startupDone?.();

  const end = await ended;
  clearTimeout(restartTimer);
  process.off("SIGINT", onSigint);
  process.off("SIGTERM", onSigterm);
  process.off("SIGUSR2", onSigusr2);
  watcher.close();
  await discovery.stop();
  await gatewayRunning.stop("restart" in end ? RESTART_EXPECTED_MS : undefined);
  bridge?.stop();
  return end;
}
