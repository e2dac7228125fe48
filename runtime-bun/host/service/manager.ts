/**
 * The native service manager for `gateway install|start|stop|restart|status`
 * (spec §12): systemd user units on Linux, launchd agents on macOS. When no
 * manager can drive the gateway (no systemd, as in containers), the CLI falls
 * back to the pid-file-managed background process. `CLAWGATE_SERVICE_MANAGER=none`
 * forces that fallback (definitions are still written by `install`).
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { launchdLabel, renderLaunchdPlist, renderSystemdUnit, systemdUnitName, type ServiceDefinition } from "./units.ts";

export interface CommandResult {
  ok: boolean;
  output: string;
}

/** One platform's service manager. */
export interface ServiceManager {
  kind: "systemd" | "launchd";
  /** Unit name or launchd label. */
  name: string;
  /** Where the definition file lives. */
  path: string;
  /** Whether the manager itself can be driven on this host right now. */
  available(): boolean;
  installed(): boolean;
  /** The installed definition's text, if any. */
  definition(): string | undefined;
  install(def: ServiceDefinition): CommandResult;
  uninstall(): CommandResult;
  start(): CommandResult;
  stop(): CommandResult;
  restart(): CommandResult;
  /** `active` and the main pid, as the manager reports them. */
  state(): { active: boolean; pid?: number; detail: string };
}

function run(argv: string[]): CommandResult {
  const out = spawnSync(argv[0]!, argv.slice(1), { encoding: "utf8" });
  if (out.error) return { ok: false, output: out.error.message };
  return { ok: out.status === 0, output: (out.stdout + out.stderr).trim() };
}

function writeDefinition(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text, { mode: 0o644 });
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
}

class Systemd implements ServiceManager {
  readonly kind = "systemd" as const;
  readonly name: string;
  readonly path: string;

  constructor(profile: string | undefined) {
    this.name = systemdUnitName(profile);
    const configHome = process.env.XDG_CONFIG_HOME || join(homedir(), ".config");
    this.path = join(configHome, "systemd", "user", this.name);
  }

  available(): boolean {
    return !managerDisabled() && existsSync("/run/systemd/system") && run(["systemctl", "--user", "show-environment"]).ok;
  }

  installed(): boolean {
    return existsSync(this.path);
  }

  definition(): string | undefined {
    return readText(this.path);
  }

  install(def: ServiceDefinition): CommandResult {
    writeDefinition(this.path, renderSystemdUnit(def));
    if (!this.available()) return { ok: true, output: "systemd user manager not available; unit written, not enabled" };
    const reload = run(["systemctl", "--user", "daemon-reload"]);
    return reload.ok ? run(["systemctl", "--user", "enable", "--now", this.name]) : reload;
  }

  uninstall(): CommandResult {
    if (this.available()) run(["systemctl", "--user", "disable", "--now", this.name]);
    rmSync(this.path, { force: true });
    if (this.available()) run(["systemctl", "--user", "daemon-reload"]);
    return { ok: true, output: "" };
  }

  start(): CommandResult {
    return run(["systemctl", "--user", "start", this.name]);
  }

  stop(): CommandResult {
    return run(["systemctl", "--user", "stop", this.name]);
  }

  restart(): CommandResult {
    return run(["systemctl", "--user", "restart", this.name]);
  }

  state(): { active: boolean; pid?: number; detail: string } {
    const out = run(["systemctl", "--user", "show", this.name, "--property=ActiveState,MainPID"]);
    const active = /ActiveState=active/.test(out.output);
    const pid = Number(/MainPID=(\d+)/.exec(out.output)?.[1] ?? 0);
    return { active, ...(pid > 0 ? { pid } : {}), detail: /ActiveState=(\S+)/.exec(out.output)?.[1] ?? "unknown" };
  }
}

class Launchd implements ServiceManager {
  readonly kind = "launchd" as const;
  readonly name: string;
  readonly path: string;

  constructor(profile: string | undefined) {
    this.name = launchdLabel(profile);
    this.path = join(homedir(), "Library", "LaunchAgents", `${this.name}.plist`);
  }

  private get domain(): string {
    return `gui/${process.getuid?.() ?? 0}`;
  }

  available(): boolean {
    return !managerDisabled() && process.platform === "darwin" && run(["launchctl", "print", this.domain]).ok;
  }

  installed(): boolean {
    return existsSync(this.path);
  }

  definition(): string | undefined {
    return readText(this.path);
  }

  install(def: ServiceDefinition): CommandResult {
    writeDefinition(this.path, renderLaunchdPlist(def));
    if (!this.available()) return { ok: true, output: "launchd not available; plist written, not loaded" };
    run(["launchctl", "bootout", `${this.domain}/${this.name}`]);
    return run(["launchctl", "bootstrap", this.domain, this.path]);
  }

  uninstall(): CommandResult {
    if (this.available()) run(["launchctl", "bootout", `${this.domain}/${this.name}`]);
    rmSync(this.path, { force: true });
    return { ok: true, output: "" };
  }

  start(): CommandResult {
    const boot = run(["launchctl", "bootstrap", this.domain, this.path]);
    return boot.ok ? boot : run(["launchctl", "kickstart", `${this.domain}/${this.name}`]);
  }

  stop(): CommandResult {
    return run(["launchctl", "bootout", `${this.domain}/${this.name}`]);
  }

  restart(): CommandResult {
    return run(["launchctl", "kickstart", "-k", `${this.domain}/${this.name}`]);
  }

  state(): { active: boolean; pid?: number; detail: string } {
    const out = run(["launchctl", "print", `${this.domain}/${this.name}`]);
    const pid = Number(/\bpid = (\d+)/.exec(out.output)?.[1] ?? 0);
    return { active: out.ok && pid > 0, ...(pid > 0 ? { pid } : {}), detail: /\bstate = (\S+)/.exec(out.output)?.[1] ?? (out.ok ? "loaded" : "not loaded") };
  }
}

function managerDisabled(): boolean {
  return process.env.CLAWGATE_SERVICE_MANAGER === "none";
}

/** This platform's manager; undefined where clawgate has none (Windows). */
export function serviceManager(profile: string | undefined): ServiceManager | undefined {
  if (process.platform === "linux") return new Systemd(profile);
  if (process.platform === "darwin") return new Launchd(profile);
  return undefined;
}

/** The manager that should drive the gateway now: installed and usable. */
export function activeManager(profile: string | undefined): ServiceManager | undefined {
  const m = serviceManager(profile);
  return m && m.installed() && m.available() ? m : undefined;
}
