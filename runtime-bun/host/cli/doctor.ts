/**
 * `clawgate doctor [--fix] [--generate-gateway-token] [--json]` (spec §12):
 * config validity (restoring last-known-good with --fix), retired keys, port
 * in use and by whom, non-loopback bind without auth, token drift between
 * gateway.auth.token / gateway.remote.token / OPENCLAW_GATEWAY_TOKEN (and
 * service units), a running gateway that refuses the CLI's secret, file permissions, stale pid file, free disk, an
 * OpenClaw state whose paired devices were never imported, clawgate's own default exec mode. `--fix`
 * repairs only what is safe; the rest gets a next step. JSON in upstream's
 * `doctor --json` shape.
 */
import { chmodSync, existsSync, rmSync, statfsSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { isLoopbackBind } from "../../../core/config/auth.ts";
import { formatConfigIssues, snapshotConfig } from "../../../core/config/document.ts";
import { setAt } from "../../../core/config/object-path.ts";
import { ImportError } from "../../../core/import/openclaw-state.ts";
import { DEFAULT_EXEC_MODE } from "../../../core/exec/policy.ts";
import { envFor } from "../config-env.ts";
import { ConfigFile, lastGoodPath } from "../config-file.ts";
import { databasePath } from "../database-file.ts";
import { openclawDatabasePath, readOpenClawStateDir } from "../openclaw-state-file.ts";
import type { Platform } from "../platform.ts";
import { describeHolders, portHolders } from "../service/process-info.ts";
import { generateToken, readSnapshot } from "../state.ts";
import { authHint } from "./auth-hint.ts";
import { openConfigEdit, writeEdit } from "./config-edit.ts";
import { callMethod, resolveTarget } from "./connection.ts";
import { localGateway, type LocalGateway } from "./local-gateway.ts";
import { color, EXIT, printJson } from "./output.ts";

export interface DoctorFlags {
  profile?: string;
  fix?: boolean;
  generateGatewayToken?: boolean;
  json?: boolean;
}

type Severity = "info" | "warning" | "error";

interface Finding {
  checkId: string;
  severity: Severity;
  message: string;
  path?: string;
  fixHint?: string;
  fixed?: boolean;
}

const MIN_FREE_BYTES = 100 * 1024 * 1024;
const LOW_FREE_BYTES = 1024 * 1024 * 1024;

/** One check: inspects, optionally repairs, and reports. */
interface Check {
  id: string;
  run(lg: LocalGateway, fix: boolean): Finding[];
}

/** Rewrites the config with one change (a missing file starts as gateway run's first one); used only by repairs. */
function editConfig(lg: LocalGateway, edit: (parsed: Record<string, unknown>) => Record<string, unknown>): boolean {
  const opened = openConfigEdit(lg.paths.configPath);
  if ("error" in opened || writeEdit(opened, edit(opened.base)) !== undefined) return false;
  lg.snapshot = readSnapshot(lg.paths.configPath);
  return true;
}

const configValid: Check = {
  id: "config/valid",
  run(lg, fix) {
    const path = lg.paths.configPath;
    if (!lg.snapshot.exists) return [{ checkId: this.id, severity: "info", message: `No config at ${path}; the first \`clawgate gateway run\` writes one with a generated token.`, path }];
    if (lg.snapshot.valid) {
      const ignored = lg.snapshot.ignored;
      return ignored.length > 0 ? [{ checkId: this.id, severity: "info", message: `Config valid; ${ignored.length} key(s) are not read by clawgate and are kept as written: ${ignored.slice(0, 8).join(", ")}${ignored.length > 8 ? ", …" : ""}`, path }] : [];
    }
    const problem = formatConfigIssues(lg.snapshot.issues);
    const good = new ConfigFile(path).lastGood();
    const goodValid = good !== null && snapshotConfig(path, good, envFor(null)).valid;
    if (fix && goodValid) {
      const file = new ConfigFile(path);
      file.restore(good!);
      lg.snapshot = snapshotConfig(path, good, envFor(null));
      return [{ checkId: this.id, severity: "error", message: `Config was invalid (${problem}); restored the last-known-good copy (the invalid file is kept as ${path}.bak).`, path, fixed: true }];
    }
    return [{
      checkId: this.id, severity: "error", message: `Config is invalid: ${problem}`, path,
      fixHint: goodValid ? `Run \`clawgate doctor --fix\` to restore the last-known-good config (${lastGoodPath(path)}).` : "Fix the keys above (`clawgate config validate` lists them); no last-known-good copy exists yet.",
    }];
  },
};

const reloadMode: Check = {
  id: "config/reload-mode",
  run(lg, fix) {
    const mode = lg.snapshot.config?.gateway?.reload?.mode;
    if (mode !== "hot" && mode !== "restart") return [];
    if (fix && editConfig(lg, (p) => setAt(p, ["gateway", "reload", "mode"], "hybrid") as Record<string, unknown>)) {
      return [{ checkId: this.id, severity: "warning", message: `gateway.reload.mode "${mode}" is retired; set to "hybrid".`, path: "gateway.reload.mode", fixed: true }];
    }
    return [{ checkId: this.id, severity: "warning", message: `gateway.reload.mode "${mode}" is retired and runs as "hybrid".`, path: "gateway.reload.mode", fixHint: "Run `clawgate doctor --fix` to rewrite it." }];
  },
};

const permissions: Check = {
  id: "files/permissions",
  run(lg, fix) {
    const out: Finding[] = [];
    const targets: [string, number][] = [[lg.paths.stateDir, 0o700], [join(lg.paths.stateDir, "state"), 0o700], [lg.paths.configPath, 0o600], [join(lg.paths.stateDir, ".env"), 0o600]];
    for (const [path, want] of targets) {
      if (!existsSync(path)) continue;
      const mode = statSync(path).mode & 0o777;
      if ((mode & 0o077) === 0) continue;
      const what = `${path} is ${mode.toString(8).padStart(4, "0")} (group/world ${mode & 0o044 ? "readable" : "accessible"}); it holds credentials`;
      if (fix) {
        chmodSync(path, want);
        out.push({ checkId: this.id, severity: "warning", message: `${what}; set to ${want.toString(8).padStart(4, "0")}.`, path, fixed: true });
      } else {
        out.push({ checkId: this.id, severity: "warning", message: `${what}.`, path, fixHint: `chmod ${want.toString(8)} ${path} (or \`clawgate doctor --fix\`)` });
      }
    }
    return out;
  },
};

const stalePid: Check = {
  id: "gateway/stale-pid",
  run(lg, fix) {
    if (!lg.stale) return [];
    const what = `Stale pid file ${lg.lockPath}: pid ${lg.lock?.pid} is not a running clawgate gateway`;
    if (fix) {
      rmSync(lg.lockPath, { force: true });
      lg.stale = false;
      lg.lock = undefined;
      return [{ checkId: this.id, severity: "warning", message: `${what}; removed.`, path: lg.lockPath, fixed: true }];
    }
    return [{ checkId: this.id, severity: "warning", message: `${what}.`, path: lg.lockPath, fixHint: "Run `clawgate doctor --fix` to remove it (a starting gateway also reclaims it)." }];
  },
};

const port: Check = {
  id: "gateway/port",
  run(lg) {
    const holders = portHolders(lg.port);
    if (holders.length === 0) return [];
    if (lg.running && holders.some((h) => h.pid === lg.lock?.pid)) return [{ checkId: this.id, severity: "info", message: `Port ${lg.port} is served by this gateway (pid ${lg.lock?.pid}).` }];
    return [{
      checkId: this.id, severity: "error", message: `Port ${lg.port} (${lg.portSource}) is in use by ${describeHolders(holders)}; the gateway cannot start there.`,
      fixHint: "Stop that process, or choose another port: `clawgate config set gateway.port <port>`.",
    }];
  },
};

const bindAuth: Check = {
  id: "gateway/bind-auth",
  run(lg, fix) {
    const gw = lg.snapshot.config?.gateway;
    const bind = gw?.bind ?? "loopback";
    if (isLoopbackBind(bind)) return [];
    const env = envFor(lg.snapshot.parsed);
    const mode = gw?.auth?.mode ?? (gw?.auth?.password && !gw.auth.token ? "password" : "token");
    const hasSecret = mode === "trusted-proxy" || (mode === "token" && Boolean(gw?.auth?.token || env.OPENCLAW_GATEWAY_TOKEN)) || (mode === "password" && Boolean(gw?.auth?.password || env.OPENCLAW_GATEWAY_PASSWORD));
    if (hasSecret) return [];
    const message = `gateway.bind is "${bind}" (reachable from the network) but ${mode === "none" ? 'gateway.auth.mode is "none"' : `no ${mode} is configured`}; the gateway refuses to start this way.`;
    if (fix && mode === "token") {
      // Safe: the gateway refuses to run like this anyway; a token makes it start locked down.
      editConfig(lg, (p) => setAt(setAt(p, ["gateway", "auth", "mode"], "token") as Record<string, unknown>, ["gateway", "auth", "token"], generateToken()) as Record<string, unknown>);
      return [{ checkId: this.id, severity: "error", message: `${message} Generated gateway.auth.token.`, path: "gateway.auth", fixed: true }];
    }
    return [{
      checkId: this.id, severity: "error", message, path: "gateway.auth",
      fixHint: mode === "none" ? 'Set gateway.auth.mode to "token" and run `clawgate doctor --generate-gateway-token`, or bind to loopback: `clawgate config set gateway.bind loopback`.' : "Run `clawgate doctor --generate-gateway-token` (or --fix).",
    }];
  },
};

/** `OPENCLAW_GATEWAY_TOKEN=` lines baked into a service definition (upstream's drift bug). */
function bakedToken(definition: string | undefined): string | undefined {
  return /OPENCLAW_GATEWAY_TOKEN(?:=|<\/key>\s*<string>)([^"\s<]+)/.exec(definition ?? "")?.[1];
}

const tokenDrift: Check = {
  id: "gateway/token-drift",
  run(lg, fix) {
    const out: Finding[] = [];
    const gw = lg.snapshot.config?.gateway;
    const configToken = gw?.auth?.token;
    const remoteToken = gw?.remote?.token;
    const envToken = envFor(lg.snapshot.parsed).OPENCLAW_GATEWAY_TOKEN;
    const local = (gw?.mode ?? "local") === "local";
    if (local && configToken && remoteToken && configToken !== remoteToken) {
      out.push({ checkId: this.id, severity: "warning", path: "gateway.remote.token", message: "gateway.remote.token differs from gateway.auth.token; clients that use the remote token are refused (token mismatch).", fixHint: "Remove gateway.remote.token (`clawgate config unset gateway.remote.token`) or set it to the same value." });
    }
    if (configToken && envToken && configToken !== envToken) {
      out.push({ checkId: this.id, severity: "warning", path: "OPENCLAW_GATEWAY_TOKEN", message: "OPENCLAW_GATEWAY_TOKEN differs from gateway.auth.token; the gateway uses the config token, so CLIs and scripts reading the variable are refused.", fixHint: "Unset OPENCLAW_GATEWAY_TOKEN (shell, ~/.openclaw/.env) or make it match gateway.auth.token." });
    }
    const m = lg.manager;
    const baked = m?.installed() ? bakedToken(m.definition()) : undefined;
    if (m && baked) {
      const drifted = configToken !== undefined && baked !== configToken;
      const message = `${m.path} bakes OPENCLAW_GATEWAY_TOKEN into the service environment${drifted ? " and it differs from gateway.auth.token" : ""}; later config edits are silently overridden.`;
      if (fix) {
        const text = m.definition()!.split("\n").filter((l) => !/OPENCLAW_GATEWAY_TOKEN/.test(l)).join("\n");
        writeFileSync(m.path, text);
        out.push({ checkId: this.id, severity: "warning", path: m.path, message: `${message} Removed it (reload the service manager to apply).`, fixed: true });
      } else {
        out.push({ checkId: this.id, severity: "warning", path: m.path, message, fixHint: "Run `clawgate doctor --fix` or `clawgate gateway install --force`." });
      }
    }
    return out;
  },
};

const disk: Check = {
  id: "host/disk",
  run(lg) {
    const dir = existsSync(lg.paths.stateDir) ? lg.paths.stateDir : lg.paths.home;
    let free: number;
    try {
      const s = statfsSync(dir);
      free = Number(s.bavail) * Number(s.bsize);
    } catch {
      return [];
    }
    const mb = Math.round(free / 1024 / 1024);
    if (free < MIN_FREE_BYTES) return [{ checkId: this.id, severity: "error", path: dir, message: `Only ${mb} MB free on the state dir's disk; config writes and the database may fail.`, fixHint: "Free disk space (old logs: logging.maxFileBytes bounds the gateway's own)." }];
    if (free < LOW_FREE_BYTES) return [{ checkId: this.id, severity: "warning", path: dir, message: `${mb} MB free on the state dir's disk.` }];
    return [];
  },
};

/** Says when the exec tool runs under clawgate's default mode, which is not upstream's. */
const execMode: Check = {
  id: "tools/exec-mode",
  run(lg) {
    const tools = lg.snapshot.parsed?.tools as { exec?: { mode?: unknown } } | undefined;
    if (!lg.snapshot.valid || tools?.exec?.mode !== undefined) return [];
    return [{
      checkId: this.id, severity: "info", path: "tools.exec.mode",
      message: `tools.exec.mode is not set: clawgate runs the exec tool in "${DEFAULT_EXEC_MODE}" mode (upstream's default is "full"): a command that is not allowlisted waits for an operator's approval, and is denied when no operator with operator.approvals is connected.`,
      fixHint: 'Set tools.exec.mode ("full" for upstream\'s behaviour, "deny" to switch exec off) with `clawgate config set tools.exec.mode <mode>`.',
    }];
  },
};

const CHECKS: Check[] = [configValid, reloadMode, permissions, stalePid, port, bindAuth, tokenDrift, disk, execMode];

/**
 * A running gateway whose secret differs from the one the CLI would send: the
 * drift a config-only check cannot see (a gateway started with --token or
 * another OPENCLAW_GATEWAY_TOKEN). Asks the gateway itself with the CLI's credentials.
 */
async function liveAuth(lg: LocalGateway, profile: string | undefined): Promise<Finding[]> {
  if (!lg.running) return [];
  const target = resolveTarget({ profile, port: lg.port });
  if ("error" in target) return [];
  const result = await callMethod(target, "health", {}, 5_000);
  if (result.ok) return [];
  const hint = authHint(result.failure, target, lg.paths.configPath, lg.lock?.secretSource);
  return hint ? [{ checkId: "gateway/auth-live", severity: "error", message: `Running gateway (pid ${lg.lock?.pid}): ${hint.cause}`, fixHint: hint.next }] : [];
}

/**
 * OpenClaw's own database in this state dir with paired devices of which
 * clawgate knows none: they would all have to pair again, where one import
 * would carry them (and their tokens, senders and cron jobs) over.
 */
async function openclawState(lg: LocalGateway, platform: Platform): Promise<Finding[]> {
  const database = openclawDatabasePath(lg.paths.stateDir);
  if (!existsSync(database)) return [];
  const checkId = "openclaw/import";
  let devices: string[];
  try {
    devices = (await readOpenClawStateDir(lg.paths.stateDir, platform)).devices.map((d) => d.deviceId);
  } catch (error) {
    if (!(error instanceof ImportError)) throw error;
    return [{ checkId, severity: "warning", path: database, message: `OpenClaw state found but it cannot be imported: ${error.message}`, ...(error.hint ? { fixHint: error.hint } : {}) }];
  }
  if (devices.length === 0) return [];
  const target = databasePath(lg.paths.stateDir);
  if (existsSync(target)) {
    const store = await platform.openStore(target);
    const known = devices.some((id) => store.getPaired(id) !== undefined);
    store.close();
    if (known) return [];
  }
  return [{
    checkId, severity: "warning", path: database,
    message: `OpenClaw state with ${devices.length} paired device(s) found, none imported: each would have to pair again with clawgate.`,
    fixHint: "Run `clawgate import openclaw` (`--dry-run` first shows what it brings over: devices and their tokens, nodes, approved senders, cron jobs); OpenClaw's files stay untouched.",
  }];
}

/** `--generate-gateway-token`: token mode plus a fresh 48-hex token, written with a `.bak` (§12). */
function generateGatewayToken(lg: LocalGateway): Finding {
  const ok = editConfig(lg, (p) => setAt(setAt(p, ["gateway", "auth", "mode"], "token") as Record<string, unknown>, ["gateway", "auth", "token"], generateToken()) as Record<string, unknown>);
  return ok
    ? { checkId: "gateway/auth-token", severity: "info", message: `Gateway token configured in ${lg.paths.configPath}.${lg.running ? " The running gateway applies it live; shared-token clients reconnect with the new token." : ""}`, fixed: true }
    : { checkId: "gateway/auth-token", severity: "error", message: "Could not write the token; see `clawgate config validate`." };
}

export async function doctor(flags: DoctorFlags, platform: Platform): Promise<number> {
  const lg = localGateway(flags.profile);
  const findings: Finding[] = [];
  for (const check of CHECKS) findings.push(...check.run(lg, flags.fix === true));
  findings.push(...(await liveAuth(lg, flags.profile)));
  findings.push(...(await openclawState(lg, platform)));
  if (flags.generateGatewayToken) findings.push(generateGatewayToken(lg));
  const unresolved = findings.filter((f) => f.severity === "error" && !f.fixed);
  if (flags.json) {
    printJson({ schemaVersion: 1, ok: findings.every((f) => f.severity === "info" || f.fixed), checksRun: CHECKS.length + 2, checksSkipped: lg.running ? 0 : 1, findings });
    return unresolved.length > 0 ? EXIT.failure : EXIT.ok;
  }
  const mark = (f: Finding) => (f.fixed ? color.green("fixed") : f.severity === "error" ? color.red("✗") : f.severity === "warning" ? color.yellow("!") : color.dim("·"));
  const lines = [color.bold("clawgate doctor"), color.dim(`  state dir ${lg.paths.stateDir} · config ${lg.paths.configPath}`)];
  if (findings.every((f) => f.severity === "info")) lines.push(`  ${color.green("✓")} No problems found.`);
  for (const f of findings) {
    lines.push(`  ${mark(f)} ${f.message}`);
    if (f.fixHint && !f.fixed) lines.push(color.dim(`      → ${f.fixHint}`));
  }
  const fixable = findings.some((f) => !f.fixed && f.fixHint?.includes("--fix"));
  if (!flags.fix && fixable) lines.push(color.dim("Next: `clawgate doctor --fix` repairs what it safely can."));
  process.stdout.write(lines.join("\n") + "\n");
  return unresolved.length > 0 ? EXIT.failure : EXIT.ok;
}
