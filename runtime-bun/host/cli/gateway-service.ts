/**
 * `clawgate gateway install|uninstall|start|stop|restart` (spec §12): the
 * native service when one is installed and usable, otherwise a background
 * process managed through the state dir's pid/lock file. Restarts are
 * graceful: SIGTERM makes the gateway send `shutdown` and close 1012 before a
 * new process comes up.
 */
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { consoleLogPath, selfCommand, startBackground } from "../service/background.ts";
import { healthy, stopProcess } from "../service/process-info.ts";
import { readLock } from "../service/lock.ts";
import { activeManager, serviceManager, type ServiceManager } from "../service/manager.ts";
import { CREDENTIAL_ENV, SELECTOR_ENV_KEYS, type ServiceDefinition } from "../service/units.ts";
import { localGateway, type LocalGateway } from "./local-gateway.ts";
import { color, EXIT, fail, printJson } from "./output.ts";

export interface ServiceFlags {
  profile?: string;
  port?: number;
  json?: boolean;
  force?: boolean;
  token?: string;
}

const HEALTH_WAIT_MS = 20_000;

interface Outcome {
  ok: boolean;
  action: string;
  result: string;
  manager: string;
  pid?: number;
  port?: number;
  message: string;
  hints?: string[];
}

function emit(flags: ServiceFlags, o: Outcome, code: number = o.ok ? EXIT.ok : EXIT.failure): number {
  if (flags.json) printJson(o);
  else {
    process.stdout.write(`${o.ok ? color.green("✓") : color.red("✗")} ${o.message}\n`);
    for (const h of o.hints ?? []) process.stdout.write(color.dim(`  ${h}\n`));
  }
  return code;
}

/** Waits until the gateway answers `/health` on `port`. */
async function waitHealthy(port: number): Promise<boolean> {
  const deadline = Date.now() + HEALTH_WAIT_MS;
  while (Date.now() < deadline) {
    if (await healthy(port)) return true;
    await sleep(100);
  }
  return false;
}

/** `gateway run` arguments a background start or restart passes on. */
function runArgs(flags: ServiceFlags, lg: LocalGateway, previous?: string[]): string[] {
  if (flags.port !== undefined) return ["--port", String(flags.port)];
  // The previous run's own arguments (secrets were never recorded), minus the `gateway run` verb.
  if (previous) return previous.filter((a, i) => !(a === "gateway" && previous[i + 1] === "run") && !(a === "run" && previous[i - 1] === "gateway"));
  return lg.paths.profile ? ["--profile", lg.paths.profile] : [];
}

async function viaManager(flags: ServiceFlags, m: ServiceManager, action: "start" | "stop" | "restart", lg: LocalGateway): Promise<number> {
  const r = m[action]();
  if (!r.ok) return emit(flags, { ok: false, action, result: "manager-failed", manager: m.kind, message: `${m.kind} ${action} ${m.name} failed: ${r.output}` });
  if (action === "stop") return emit(flags, { ok: true, action, result: "stopped", manager: m.kind, message: `Stopped ${m.name}` });
  const up = await waitHealthy(lg.port);
  const state = m.state();
  return emit(flags, {
    ok: up, action, result: up ? (action === "start" ? "started" : "restarted") : `${action}-health-failed`, manager: m.kind, pid: state.pid, port: lg.port,
    message: up ? `Gateway ${action === "start" ? "started" : "restarted"} by ${m.kind} (${m.name}), ws://127.0.0.1:${lg.port}` : `${m.name} did not answer /health on port ${lg.port}; see \`clawgate logs\``,
  });
}

async function startInBackground(flags: ServiceFlags, lg: LocalGateway, action: "start" | "restart", previous?: string[]): Promise<number> {
  const started = await startBackground(lg.paths.stateDir, runArgs(flags, lg, previous), process.env);
  if (!started.ok) {
    const tail = started.output.trim().split("\n").slice(-5);
    const code: number = started.code === EXIT.config ? EXIT.config : EXIT.failure;
    return emit(flags, { ok: false, action, result: "start-failed", manager: "pid-file", message: `gateway failed to start${started.code !== null ? ` (exit ${started.code})` : ""}`, hints: [...tail, `Console output: ${consoleLogPath(lg.paths.stateDir)}`] }, code);
  }
  const { record } = started;
  return emit(flags, {
    ok: true, action, result: started.already ? "already-running" : action === "start" ? "started" : "restarted", manager: "pid-file", pid: record.pid, port: record.port,
    message: started.already ? `Gateway already running (pid ${record.pid}, port ${record.port})` : `Gateway ${action === "start" ? "started" : "restarted"} in the background (pid ${record.pid}), ws://127.0.0.1:${record.port}`,
    hints: started.already ? [] : ["Check it with `clawgate gateway status`; stop it with `clawgate gateway stop`."],
  });
}

export async function gatewayStart(flags: ServiceFlags): Promise<number> {
  const lg = localGateway(flags.profile, flags.port);
  const m = activeManager(lg.paths.profile);
  if (m) return viaManager(flags, m, "start", lg);
  return startInBackground(flags, lg, "start");
}

export async function gatewayStop(flags: ServiceFlags): Promise<number> {
  const lg = localGateway(flags.profile);
  const m = activeManager(lg.paths.profile);
  if (m) return viaManager(flags, m, "stop", lg);
  if (!lg.running || !lg.lock) {
    const hints = lg.stale ? [`Stale pid file ${lg.lockPath} (pid ${lg.lock?.pid} is not a running clawgate); \`clawgate doctor --fix\` removes it.`] : [];
    return emit(flags, { ok: true, action: "stop", result: "not-running", manager: "pid-file", message: "Gateway is not running", hints });
  }
  const pid = lg.lock.pid;
  await stopProcess(pid);
  return emit(flags, { ok: true, action: "stop", result: "stopped", manager: "pid-file", pid, message: `Gateway stopped (pid ${pid})` });
}

export async function gatewayRestart(flags: ServiceFlags): Promise<number> {
  const lg = localGateway(flags.profile);
  const m = activeManager(lg.paths.profile);
  if (m) return viaManager(flags, m, "restart", lg);
  if (!lg.running || !lg.lock) {
    return emit(flags, { ok: false, action: "restart", result: "not-running", manager: "pid-file", message: "Gateway is not running", hints: ["Start it with `clawgate gateway start`."] });
  }
  const previous = lg.lock.args;
  // Graceful: SIGTERM -> `shutdown` event and close 1012 to every client, then a new process (§12).
  await stopProcess(lg.lock.pid);
  return startInBackground(flags, lg, "restart", previous);
}

/** The service definition: this binary, `gateway run`, path selectors only. */
function definition(lg: LocalGateway, port: number | undefined): ServiceDefinition {
  const environment: Record<string, string> = {};
  for (const key of SELECTOR_ENV_KEYS) {
    const v = process.env[key];
    if (v) environment[key] = v;
  }
  if (lg.paths.profile) environment.OPENCLAW_PROFILE = lg.paths.profile;
  return {
    profile: lg.paths.profile,
    programArguments: [...selfCommand(), "gateway", "run", ...(port !== undefined ? ["--port", String(port)] : [])],
    environment,
    workingDirectory: lg.paths.stateDir,
    consoleLog: join(lg.paths.stateDir, "logs", "gateway-console.log"),
  };
}

export async function gatewayInstall(flags: ServiceFlags): Promise<number> {
  if (flags.token) {
    return fail("gateway install never stores credentials in the service definition", EXIT.config, "Put the token in openclaw.json: `clawgate config set gateway.auth.token <token>` (or `clawgate doctor --generate-gateway-token`).");
  }
  const lg = localGateway(flags.profile);
  const m = serviceManager(lg.paths.profile);
  if (!m) return fail(`no supported service manager on ${process.platform}`, EXIT.failure, "Run the gateway with `clawgate gateway start` (background) or `clawgate gateway run` (foreground).");
  if (m.installed() && !flags.force) {
    return emit(flags, { ok: false, action: "install", result: "already-installed", manager: m.kind, message: `${m.name} is already installed at ${m.path}`, hints: ["Use --force to rewrite it."] });
  }
  const r = m.install(definition(lg, flags.port));
  const hints: string[] = [];
  const envCredentials = Object.keys(process.env).filter((k) => k.startsWith("OPENCLAW_") && CREDENTIAL_ENV.test(k));
  if (envCredentials.length > 0) hints.push(`${envCredentials.join(", ")} from this shell is not stored in the service; the gateway reads credentials from ${lg.paths.configPath}.`);
  if (!m.available()) hints.push(`No ${m.kind} manager is usable here; \`clawgate gateway start\` runs the gateway as a background process instead.`);
  else if (!r.ok) return emit(flags, { ok: false, action: "install", result: "manager-failed", manager: m.kind, message: `wrote ${m.path}, but ${m.kind} refused it: ${r.output}` });
  else hints.push("Check it with `clawgate gateway status`.");
  return emit(flags, { ok: true, action: "install", result: "installed", manager: m.kind, message: `Installed ${m.kind} service ${m.name} at ${m.path}`, hints });
}

export async function gatewayUninstall(flags: ServiceFlags): Promise<number> {
  const lg = localGateway(flags.profile);
  const m = serviceManager(lg.paths.profile);
  if (!m || !m.installed()) return emit(flags, { ok: true, action: "uninstall", result: "not-installed", manager: m?.kind ?? "none", message: "No gateway service is installed" });
  m.uninstall();
  const still = readLock(lg.paths.stateDir);
  return emit(flags, {
    ok: true, action: "uninstall", result: "uninstalled", manager: m.kind, message: `Removed ${m.path}`,
    hints: still && lg.running ? [`A gateway is still running (pid ${still.pid}); stop it with \`clawgate gateway stop\`.`] : [],
  });
}
