/**
 * `clawgate status [--json]`: the gateway's own `status` RPC plus what this
 * machine knows (target, reachability, service, OS), as `openclaw status`
 * reports it. Diagnostic: exits 0 even when the gateway is down.
 */
import { arch, release } from "node:os";
import { VERSION } from "../version.ts";
import { callMethod, resolveTarget, type TargetFlags } from "./connection.ts";
import { authHint, localSecretSource } from "./auth-hint.ts";
import { urlSourceLabel } from "./gateway-call.ts";
import { localGateway } from "./local-gateway.ts";
import { color, EXIT, printJson } from "./output.ts";

export interface StatusCommandFlags extends TargetFlags {
  json?: boolean;
}

export async function statusCommand(flags: StatusCommandFlags): Promise<number> {
  const lg = localGateway(flags.profile, flags.url ? undefined : flags.port);
  const target = resolveTarget({ ...flags, port: flags.url ? undefined : flags.port ?? (lg.running ? lg.port : undefined) });
  const started = Date.now();
  const result = "error" in target ? undefined : await callMethod(target, "status", {}, flags.timeout ?? 10_000);
  const latency = Date.now() - started;
  const payload = result?.ok ? (result.payload as Record<string, unknown>) : {};
  const error = "error" in target ? target.error : result && !result.ok ? (result.failure.type === "gateway_request_error" ? result.failure.error.message : result.failure.message) : null;
  const hint = "error" in target || !result || result.ok ? undefined : authHint(result.failure, target, lg.paths.configPath, localSecretSource(target, flags.profile));
  const m = lg.manager;
  const installed = m?.installed() ?? false;
  const report = {
    ...payload,
    os: { platform: process.platform, arch: arch(), release: release(), label: `${process.platform} ${release()} (${arch()})` },
    gateway: {
      mode: lg.snapshot.config?.gateway?.mode ?? "local",
      url: "error" in target ? null : target.url,
      urlSource: "error" in target ? null : urlSourceLabel(target.urlSource),
      misconfigured: !lg.snapshot.valid,
      reachable: result?.ok === true,
      connectLatencyMs: result?.ok ? latency : null,
      error,
    },
    gatewayService: {
      label: installed && m ? `${m.kind} (${m.name})` : "pid file",
      installed,
      loaded: installed && (m?.available() ?? false),
      runtime: lg.running ? { status: "running", pid: lg.lock?.pid, port: lg.port } : { status: "stopped" },
    },
    cli: { version: VERSION },
  };
  if (flags.json) {
    printJson(report);
    return EXIT.ok;
  }
  const rows: [string, string][] = [
    ["OS", report.os.label],
    ["Gateway", report.gateway.reachable ? color.green(`${report.gateway.mode} · ${report.gateway.url} (${report.gateway.urlSource}) · reachable ${latency} ms`) : color.red(hint ? `${report.gateway.url} · ${hint.cause}` : `${report.gateway.url ?? "no target"} · unreachable${error ? ` (${error})` : ""}`)],
    ["Service", `${report.gatewayService.label} · ${lg.running ? `running (pid ${lg.lock?.pid})` : "stopped"}`],
    ["Config", `${lg.paths.configPath}${lg.snapshot.valid ? "" : color.red(" (invalid)")}`],
    ["Log file", lg.logFile],
  ];
  if (result?.ok) {
    const p = payload as { runtimeVersion?: string; sessions?: { count?: number }; presence?: { count?: number }; uptimeMs?: number };
    rows.push(["Version", `OpenClaw ${p.runtimeVersion} (clawgate ${VERSION})`], ["Sessions", String(p.sessions?.count ?? 0)], ["Clients", String(p.presence?.count ?? 0)], ["Uptime", `${Math.round((p.uptimeMs ?? 0) / 1000)} s`]);
  }
  const width = Math.max(...rows.map(([k]) => k.length));
  process.stdout.write([color.bold("clawgate status"), ...rows.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`)].join("\n") + "\n");
  const next = report.gateway.reachable ? "`clawgate logs --follow` to watch it live." : hint ? hint.next : lg.running ? "`clawgate doctor` to find out why the running gateway does not answer." : "`clawgate gateway start`, or `clawgate doctor` to find out why.";
  process.stdout.write(color.dim(`Next: ${next}\n`));
  return EXIT.ok;
}
