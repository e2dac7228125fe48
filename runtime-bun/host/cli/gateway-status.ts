/**
 * `clawgate gateway status` and `gateway probe` (spec §12): the service and
 * process as this machine sees them plus a connect probe, with upstream's JSON
 * keys (`cli, logFile, service, config, gateway, port, rpc, extraServices`;
 * probe: `ok, degraded, capability, primaryTargetId, warnings, network,
 * discovery, targets[]`). Probes never create device identities.
 */
import { existsSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { callGatewayBatch, type BatchResult } from "../../../core/remote/call.ts";
import { selfCommand } from "../service/background.ts";
import { isLive, readLock } from "../service/lock.ts";
import { describeHolders, portHolders } from "../service/process-info.ts";
import { VERSION } from "../version.ts";
import { resolveTarget, type Target, type TargetFlags } from "./connection.ts";
import { urlSourceLabel } from "./gateway-call.ts";
import { localGateway, type LocalGateway } from "./local-gateway.ts";
import { color, EXIT, printJson } from "./output.ts";

export interface StatusFlags extends TargetFlags {
  json?: boolean;
  deep?: boolean;
  requireRpc?: boolean;
  noProbe?: boolean;
}

/** What a hello's scopes let the prober do, in upstream's capability words. */
export function capabilityOf(scopes: readonly string[]): string {
  if (scopes.includes("operator.admin")) return "admin_capable";
  if (scopes.includes("operator.write")) return "write_capable";
  if (scopes.includes("operator.read")) return "read_only";
  return "connected_no_operator_scope";
}

interface Hello {
  server?: { version?: string; buildId?: string; connId?: string };
  auth?: { role?: string; scopes?: string[] };
}

async function probe(target: Target, timeoutMs: number, calls: string[]): Promise<BatchResult> {
  return callGatewayBatch({
    url: target.url,
    token: target.token,
    password: target.password,
    scopes: ["operator.read"],
    timeoutMs,
    clientVersion: VERSION,
    platform: process.platform,
    mode: "probe",
    calls: calls.map((method) => ({ method })),
  });
}

function serviceReport(lg: LocalGateway) {
  const m = lg.manager;
  const installed = m?.installed() ?? false;
  const usable = installed && (m?.available() ?? false);
  const state = usable ? m!.state() : undefined;
  const managedBy = usable ? m!.kind : "pid-file";
  const running = usable ? state!.active : lg.running;
  const pid = usable ? state!.pid : lg.running ? lg.lock?.pid : undefined;
  return {
    label: usable ? `${m!.kind} (${m!.name})` : installed ? `${m!.kind} unit installed, manager unavailable; pid file` : "pid file (no service installed)",
    manager: managedBy,
    installed,
    unit: m?.name ?? null,
    unitPath: m?.path ?? null,
    loaded: usable,
    runtime: {
      status: running ? "running" : "stopped",
      ...(pid !== undefined ? { pid } : {}),
      ...(running ? { port: lg.port } : {}),
      ...(running && lg.lock?.startedAt ? { startedAt: lg.lock.startedAt } : {}),
      ...(state ? { detail: state.detail } : {}),
    },
    pidFile: { path: lg.lockPath, exists: lg.lock !== undefined, stale: lg.stale, ...(lg.lock ? { pid: lg.lock.pid } : {}) },
  };
}

/** Other gateway installs and live gateways of other profiles (`--deep`). */
function extraServices(lg: LocalGateway): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  const m = lg.manager;
  if (m) {
    const dir = dirname(m.path);
    if (existsSync(dir)) {
      for (const f of readdirSync(dir)) {
        const full = join(dir, f);
        if (full !== m.path && /^(openclaw-gateway.*\.service|ai\.openclaw\..*\.plist)$/.test(f)) out.push({ kind: m.kind, path: full });
      }
    }
  }
  const home = lg.paths.home;
  for (const d of existsSync(home) ? readdirSync(home) : []) {
    if (!/^\.openclaw(-.+)?$/.test(d)) continue;
    const stateDir = join(home, d);
    if (stateDir === lg.paths.stateDir) continue;
    const lock = readLock(stateDir);
    if (lock && isLive(lock)) out.push({ kind: "pid-file", profile: d === ".openclaw" ? "default" : d.slice(".openclaw-".length), stateDir, pid: lock.pid, port: lock.port });
  }
  return out;
}

export async function gatewayStatus(flags: StatusFlags): Promise<number> {
  const lg = localGateway(flags.profile, flags.url ? undefined : flags.port);
  const cfg = lg.snapshot.config?.gateway;
  const bindMode = cfg?.bind ?? "loopback";
  const target = resolveTarget({ ...flags, port: flags.url ? undefined : flags.port ?? (lg.running ? lg.port : undefined) });
  const holders = portHolders(lg.port);
  const service = serviceReport(lg);

  let rpc: Record<string, unknown> | undefined;
  if (!flags.noProbe) {
    if ("error" in target) rpc = { ok: false, error: target.error };
    else {
      const result = await probe(target, flags.timeout ?? 10_000, flags.requireRpc ? ["status"] : []);
      if (!result.ok) {
        rpc = { ok: false, kind: flags.requireRpc ? "read" : "connect", url: target.url, error: result.failure.type === "gateway_request_error" ? result.failure.error.message : result.failure.message };
      } else {
        const hello = result.hello as Hello;
        const scopes = hello.auth?.scopes ?? [];
        const readOk = !flags.requireRpc || result.answers[0]?.ok === true;
        rpc = {
          ok: readOk,
          kind: flags.requireRpc ? "read" : "connect",
          capability: capabilityOf(scopes),
          auth: { role: hello.auth?.role ?? "operator", scopes, capability: capabilityOf(scopes) },
          server: hello.server ?? {},
          version: hello.server?.version,
          url: target.url,
          ...(readOk ? {} : { error: (result.answers[0] as { error?: { message?: string } })?.error?.message }),
        };
      }
    }
  }

  const report = {
    cli: { version: VERSION, entrypoint: selfCommand().join(" ") },
    logFile: lg.logFile,
    service,
    config: {
      cli: { path: lg.paths.configPath, exists: lg.snapshot.exists, valid: lg.snapshot.valid, ...(lg.snapshot.valid ? {} : { issues: lg.snapshot.issues }) },
      daemon: { path: lg.lock?.configPath ?? lg.paths.configPath, exists: lg.snapshot.exists, valid: lg.snapshot.valid },
    },
    gateway: {
      bindMode,
      bindHost: bindMode === "loopback" ? "127.0.0.1" : bindMode === "custom" ? cfg?.customBindHost ?? null : "0.0.0.0",
      port: lg.port,
      portSource: lg.portSource,
      probeUrl: "error" in target ? null : target.url,
      ...(rpc?.version ? { version: rpc.version } : {}),
    },
    port: {
      port: lg.port,
      status: holders.length > 0 ? "busy" : "free",
      listeners: holders.map((h) => ({ ...(h.pid !== undefined ? { pid: h.pid } : {}), ...(h.command ? { command: h.command } : {}), clawgate: h.pid !== undefined && h.pid === lg.lock?.pid })),
      hints: holders.length > 0 && !holders.some((h) => h.pid === lg.lock?.pid) ? [`port ${lg.port} is held by ${describeHolders(holders)}, not by this state dir's gateway`] : [],
    },
    ...(rpc ? { rpc } : {}),
    extraServices: flags.deep ? extraServices(lg) : [],
  };
  const failed = flags.requireRpc && rpc?.ok !== true;
  if (flags.json) {
    printJson(report);
    return failed ? EXIT.failure : EXIT.ok;
  }
  const rt = service.runtime;
  const lines = [
    color.bold("Gateway status"),
    `  Service:  ${service.label} · ${rt.status === "running" ? color.green(`running (pid ${rt.pid}, port ${rt.port})`) : color.yellow("stopped")}`,
    `  Config:   ${lg.paths.configPath} ${lg.snapshot.exists ? (lg.snapshot.valid ? color.green("(valid)") : color.red("(invalid)")) : color.yellow("(missing)")}`,
    `  Log file: ${lg.logFile}`,
    `  Port:     ${lg.port} (${lg.portSource}) ${report.port.status === "busy" ? `busy: ${describeHolders(holders)}` : "free"}`,
  ];
  if (rpc) {
    lines.push(rpc.ok
      ? `  RPC:      ${color.green("ok")} · ${rpc.capability} · ${rpc.url} · ${(rpc.server as Hello["server"])?.buildId ?? ""} (OpenClaw ${rpc.version})`
      : `  RPC:      ${color.red("failed")} · ${rpc.error}`);
    if (!("error" in target)) lines.push(color.dim(`            target from ${urlSourceLabel(target.urlSource)}`));
  }
  if (flags.deep) {
    const others = report.extraServices as { kind: string; path?: string; profile?: string; stateDir?: string; pid?: number; port?: number }[];
    lines.push(`  Other gateways: ${others.length === 0 ? "none found" : ""}`);
    for (const o of others) {
      lines.push(o.kind === "pid-file"
        ? `    profile ${o.profile} · ${color.green(`running (pid ${o.pid}${o.port ? `, port ${o.port}` : ""})`)} · ${o.stateDir}`
        : `    ${o.kind} unit ${o.path}`);
    }
  }
  if (service.pidFile.stale) lines.push(color.yellow(`  Stale pid file ${lg.lockPath} (pid ${lg.lock?.pid}); \`clawgate doctor --fix\` removes it.`));
  for (const h of report.port.hints) lines.push(color.yellow(`  ${h}`));
  lines.push(color.dim(rt.status === "running" ? "Next: `clawgate logs --follow`, `clawgate gateway probe`." : "Next: `clawgate gateway start` (or `clawgate gateway run` in the foreground)."));
  process.stdout.write(lines.join("\n") + "\n");
  return failed ? EXIT.failure : EXIT.ok;
}

interface ProbeTarget {
  id: string;
  kind: string;
  target: Target;
}

export async function gatewayProbe(flags: StatusFlags): Promise<number> {
  const started = Date.now();
  const timeoutMs = flags.timeout ?? 3_000;
  const lg = localGateway(flags.profile, flags.port);
  const targets: ProbeTarget[] = [];
  const warnings: Record<string, unknown>[] = [];
  if (flags.url) {
    const t = resolveTarget(flags);
    if ("error" in t) {
      const failure = { ok: false, error: { type: "gateway_credentials_required", message: t.error } };
      if (flags.json) printJson(failure);
      else process.stderr.write(`${color.red(t.error)}\n`);
      return EXIT.failure;
    }
    targets.push({ id: "explicit", kind: "explicit", target: t });
  }
  const remote = lg.snapshot.config?.gateway?.remote;
  if (remote?.url && !flags.url && flags.port === undefined) targets.push({ id: "configuredRemote", kind: "configuredRemote", target: { url: remote.url, urlSource: "remote", token: remote.token, password: remote.password } });
  const local = resolveTarget({ ...flags, url: undefined, port: lg.port });
  if (!("error" in local) && !targets.some((t) => t.target.url === local.url)) targets.push({ id: "localLoopback", kind: "localLoopback", target: local });

  const results = await Promise.all(targets.map(async (t) => ({ t, r: await probe(t.target, timeoutMs, ["health", "status", "system-presence", "config.get"]) })));
  const out = results.map(({ t, r }) => {
    if (!r.ok) {
      const f = r.failure;
      return {
        id: t.id, kind: t.kind, url: t.target.url, active: true, tunnel: null,
        connect: { ok: false, rpcOk: false, scopeLimited: false, latencyMs: null, error: f.type === "gateway_request_error" ? f.error.message : f.message, close: f.type === "gateway_transport_error" && f.code !== undefined ? { code: f.code, reason: f.reason ?? "" } : null },
        auth: { role: null, scopes: [], capability: "unknown" },
        server: { version: null, connId: null }, self: null, config: null, health: null, summary: null, presence: null,
      };
    }
    const hello = r.hello as Hello;
    const scopes = hello.auth?.scopes ?? [];
    const [health, status, presence, config] = r.answers;
    const rpcOk = r.answers.every((a) => a.ok);
    const firstError = r.answers.find((a) => !a.ok) as { error?: { message?: string } } | undefined;
    const scopeLimited = !rpcOk && /missing scope/.test(firstError?.error?.message ?? "");
    if (scopeLimited) warnings.push({ code: "probe_scope_limited", message: "Read-probe diagnostics are limited by gateway scopes (missing operator.read).", targetIds: [t.id] });
    const cfg = config?.ok ? (config.payload as { path?: string; valid?: boolean; hash?: string }) : undefined;
    return {
      id: t.id, kind: t.kind, url: t.target.url, active: true, tunnel: null,
      connect: { ok: true, rpcOk, scopeLimited, latencyMs: r.connectMs, error: firstError?.error?.message ?? null, close: null },
      auth: { role: hello.auth?.role ?? "operator", scopes, capability: capabilityOf(scopes) },
      server: hello.server ?? { version: null, connId: null },
      self: presence?.ok ? (presence.payload as unknown[])[0] ?? null : null,
      config: cfg ? { path: cfg.path, valid: cfg.valid, hash: cfg.hash } : null,
      health: health?.ok ? health.payload : null,
      summary: status?.ok ? status.payload : null,
      presence: presence?.ok ? presence.payload : null,
    };
  });
  const reachable = out.filter((t) => t.connect.ok);
  const order = ["admin_capable", "write_capable", "read_only", "connected_no_operator_scope"];
  const best = reachable.map((t) => t.auth.capability).sort((a, b) => order.indexOf(a) - order.indexOf(b))[0] ?? "unknown";
  const report = {
    ok: reachable.length > 0,
    degraded: reachable.some((t) => !t.connect.rpcOk),
    capability: best,
    ts: started,
    durationMs: Date.now() - started,
    timeoutMs,
    primaryTargetId: reachable[0]?.id ?? out[0]?.id ?? null,
    warnings,
    network: { localLoopbackUrl: `ws://127.0.0.1:${lg.port}`, localTailnetUrl: null, tailnetIPv4: null },
    discovery: { timeoutMs: 0, count: 0, beacons: [] },
    targets: out,
  };
  // Exit non-zero only when nothing answered (§12).
  const code = report.ok ? EXIT.ok : EXIT.failure;
  if (flags.json) {
    printJson(report);
    return code;
  }
  const lines = [color.bold("Gateway probe"), `  Reachable: ${report.ok ? color.green("yes") : color.red("no")} · capability ${best}`];
  for (const t of out) {
    lines.push(`  ${t.id === "explicit" ? "URL (explicit)" : t.id === "configuredRemote" ? "Remote (configured)" : "Local loopback"}: ${t.url}`);
    lines.push(`    Connect: ${t.connect.ok ? color.green(`ok (${t.connect.latencyMs} ms)`) : color.red(`failed: ${t.connect.error}`)}`);
    if (t.connect.ok) lines.push(`    Read probe: ${t.connect.rpcOk ? color.green("ok") : t.connect.scopeLimited ? color.yellow(`limited - ${t.connect.error}`) : color.yellow(`failed - ${t.connect.error}`)}`);
  }
  if (!report.ok) lines.push(color.dim("Next: `clawgate gateway start`, then `clawgate gateway status`."));
  process.stdout.write(lines.join("\n") + "\n");
  return code;
}
