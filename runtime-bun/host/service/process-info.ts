/**
 * What the OS says about a process or a port: liveness, command line, start
 * time (to tell a live owner from a reused pid) and which pids listen on a
 * TCP port. Linux reads /proc; elsewhere `ps` and `lsof` answer.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, readlinkSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";

/** What a command printed on stdout; empty when it is missing or failed to start. */
function commandOutput(command: string, args: string[]): string {
  return spawnSync(command, args, { encoding: "utf8" }).stdout ?? "";
}

/** Whether a process with this pid exists (signal 0 probes without signalling). */
export function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** The command line as argv, or undefined when the process is gone. */
export function commandLine(pid: number): string[] | undefined {
  if (existsSync("/proc/self")) {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean);
    } catch {
      return undefined;
    }
  }
  const text = commandOutput("ps", ["-p", String(pid), "-o", "command="]).trim();
  return text ? text.split(/\s+/) : undefined;
}

/** Kernel start time of the process (clock ticks since boot), to detect pid reuse. */
export function startTime(pid: number): string | undefined {
  if (existsSync("/proc/self")) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      // Field 22; the command name (field 2) may contain spaces, so count from the last ")".
      return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19];
    } catch {
      return undefined;
    }
  }
  return commandOutput("ps", ["-p", String(pid), "-o", "lstart="]).trim() || undefined;
}

/** Whether a command line is a clawgate gateway (source or compiled binary). */
export function isClawgateGateway(argv: readonly string[] | undefined): boolean {
  if (!argv) return false;
  const named = argv.some((a) => /clawgate/.test(a.split("/").at(-1) ?? ""));
  const i = argv.indexOf("gateway");
  return named && i >= 0 && argv[i + 1] === "run";
}

/** A process holding a port, as far as this user may see. */
export interface PortHolder {
  pid?: number;
  command?: string;
}

function listeningInodes(port: number): Set<string> {
  const inodes = new Set<string>();
  for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    let text: string;
    try {
      text = readFileSync(table, "utf8");
    } catch {
      continue;
    }
    for (const line of text.split("\n").slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols.length < 10) continue;
      const localPort = parseInt(cols[1]!.split(":")[1] ?? "", 16);
      // State 0A is LISTEN.
      if (localPort === port && cols[3] === "0A") inodes.add(cols[9]!);
    }
  }
  return inodes;
}

/** Who listens on a TCP port: pids and commands where readable; empty when the port is free. */
export function portHolders(port: number): PortHolder[] {
  if (!existsSync("/proc/net/tcp")) {
    const out = commandOutput("lsof", ["-nP", `-iTCP:${port}`, "-sTCP:LISTEN", "-Fpc"]);
    const holders: PortHolder[] = [];
    for (const line of out.split("\n")) {
      if (line.startsWith("p")) holders.push({ pid: Number(line.slice(1)) });
      else if (line.startsWith("c") && holders.length) holders.at(-1)!.command = line.slice(1);
    }
    return holders;
  }
  const inodes = listeningInodes(port);
  if (inodes.size === 0) return [];
  const holders: PortHolder[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${entry}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      let target: string;
      try {
        target = readlinkSync(`/proc/${entry}/fd/${fd}`);
      } catch {
        continue;
      }
      const m = /^socket:\[(\d+)\]$/.exec(target);
      if (m && inodes.has(m[1]!)) {
        const pid = Number(entry);
        holders.push({ pid, command: commandLine(pid)?.join(" ") });
        break;
      }
    }
  }
  // Listening, but owned by a process this user cannot inspect.
  return holders.length > 0 ? holders : [{}];
}

/** "pid 1234 (python3 -m http.server)" or "an unidentified process". */
export function describeHolders(holders: readonly PortHolder[]): string {
  const named = holders.filter((h) => h.pid !== undefined);
  if (named.length === 0) return "a process this user cannot identify";
  return named.map((h) => `pid ${h.pid}${h.command ? ` (${h.command.length > 80 ? `${h.command.slice(0, 77)}...` : h.command})` : ""}`).join(", ");
}

const STOP_GRACE_MS = 10_000;
const POLL_MS = 50;

/** Sends SIGTERM, waits for exit, then SIGKILL; true when the process is gone. */
export async function stopProcess(pid: number, graceMs = STOP_GRACE_MS): Promise<boolean> {
  try {
    process.kill(pid, "SIGTERM");
  } catch {
    return !isAlive(pid);
  }
  const deadline = Date.now() + graceMs;
  while (isAlive(pid) && Date.now() < deadline) await sleep(POLL_MS);
  if (!isAlive(pid)) return true;
  try {
    process.kill(pid, "SIGKILL");
  } catch {
    // already gone
  }
  while (isAlive(pid)) await sleep(POLL_MS);
  return true;
}

/** Whether a gateway on `port` answers `/health` with 200. */
export async function healthy(port: number, timeoutMs = 1_000): Promise<boolean> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(timeoutMs) });
    return res.status === 200;
  } catch {
    return false;
  }
}
