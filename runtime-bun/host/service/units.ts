/**
 * Service definitions for `gateway install` (spec §12): a systemd user unit
 * `openclaw-gateway[-<profile>].service` and a launchd agent
 * `ai.openclaw.gateway` (`ai.openclaw.<profile>`), upstream's names. Neither
 * ever carries a credential: the gateway reads its token from openclaw.json
 * at each start, so a later config edit is never silently overridden by a
 * stale `OPENCLAW_GATEWAY_TOKEN` baked into the unit (upstream's token-drift bug).
 */

/** What the service runs and with which selectors. */
export interface ServiceDefinition {
  profile?: string;
  /** argv: the binary (or Bun + script) then `gateway run …`. */
  programArguments: string[];
  /** Path selectors only (OPENCLAW_STATE_DIR, OPENCLAW_CONFIG_PATH, OPENCLAW_PROFILE, OPENCLAW_HOME). */
  environment: Record<string, string>;
  workingDirectory: string;
  consoleLog: string;
}

/** Env keys a unit may carry: where state lives, never what unlocks it. */
export const SELECTOR_ENV_KEYS = ["OPENCLAW_STATE_DIR", "OPENCLAW_CONFIG_PATH", "OPENCLAW_PROFILE", "OPENCLAW_HOME"] as const;

/** Keys that must never appear in a unit's environment. */
export const CREDENTIAL_ENV = /TOKEN|PASSWORD|SECRET|API_?KEY/i;

export function systemdUnitName(profile?: string): string {
  return `openclaw-gateway${profile ? `-${profile}` : ""}.service`;
}

export function launchdLabel(profile?: string): string {
  return profile ? `ai.openclaw.${profile}` : "ai.openclaw.gateway";
}

function assertNoNewlines(value: string, what: string): void {
  if (/[\r\n]/.test(value)) throw new Error(`${what} cannot contain line breaks`);
}

/** systemd quoting: bare when safe, else double-quoted with escapes; `%` doubled. */
function systemdArg(value: string): string {
  assertNoNewlines(value, "systemd unit values");
  const v = value.replaceAll("%", "%%");
  return /[\s"\\]/.test(v) ? `"${v.replaceAll("\\", "\\\\").replaceAll('"', '\\"')}"` : v;
}

function checkEnvironment(env: Record<string, string>): void {
  for (const key of Object.keys(env)) {
    if (CREDENTIAL_ENV.test(key)) throw new Error(`refusing to write ${key} into a service definition: credentials stay in openclaw.json`);
  }
}

/**
 * The user unit. `Restart=on-failure` with `RestartPreventExitStatus=78`: a
 * config or security refusal (or a port held by another process) stops the
 * unit instead of looping (§12).
 */
export function renderSystemdUnit(def: ServiceDefinition): string {
  checkEnvironment(def.environment);
  return [
    "[Unit]",
    `Description=OpenClaw Gateway (clawgate${def.profile ? `, profile ${def.profile}` : ""})`,
    "After=network-online.target",
    "Wants=network-online.target",
    "StartLimitBurst=10",
    "StartLimitIntervalSec=300",
    "",
    "[Service]",
    `ExecStart=${def.programArguments.map(systemdArg).join(" ")}`,
    "Restart=on-failure",
    "RestartSec=5",
    "RestartPreventExitStatus=78",
    "SuccessExitStatus=0 143",
    "TimeoutStopSec=30",
    "KillMode=mixed",
    `WorkingDirectory=${systemdArg(def.workingDirectory)}`,
    ...Object.entries(def.environment).map(([k, v]) => `Environment=${systemdArg(`${k}=${v}`)}`),
    "",
    "[Install]",
    "WantedBy=default.target",
    "",
  ].join("\n");
}

function xml(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;").replaceAll('"', "&quot;");
}

/**
 * The LaunchAgent. launchd has no "don't restart on 78"; KeepAlive restarts
 * only on unsuccessful exit and ThrottleInterval spaces retries out.
 */
export function renderLaunchdPlist(def: ServiceDefinition): string {
  checkEnvironment(def.environment);
  const env = Object.entries(def.environment).map(([k, v]) => `      <key>${xml(k)}</key>\n      <string>${xml(v)}</string>`).join("\n");
  return `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
  <dict>
    <key>Label</key>
    <string>${xml(launchdLabel(def.profile))}</string>
    <key>ProgramArguments</key>
    <array>
${def.programArguments.map((a) => `      <string>${xml(a)}</string>`).join("\n")}
    </array>
    <key>WorkingDirectory</key>
    <string>${xml(def.workingDirectory)}</string>
    <key>EnvironmentVariables</key>
    <dict>
${env}
    </dict>
    <key>RunAtLoad</key>
    <true/>
    <key>KeepAlive</key>
    <dict>
      <key>SuccessfulExit</key>
      <false/>
    </dict>
    <key>ThrottleInterval</key>
    <integer>10</integer>
    <key>StandardOutPath</key>
    <string>${xml(def.consoleLog)}</string>
    <key>StandardErrorPath</key>
    <string>${xml(def.consoleLog)}</string>
  </dict>
</plist>
`;
}
