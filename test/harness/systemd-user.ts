/**
 * A real systemd user manager for service tests, on a host whose PID 1 is not
 * systemd (containers, VMs with their own init). `systemd --user` refuses to
 * start unless /run/systemd/system exists, so it runs in a private mount
 * namespace whose /run is a fresh tmpfs holding that marker; the host's /run
 * is untouched. Processes entered into that namespace (`exec`) drive it with
 * the real `systemctl --user`. Needs root, util-linux and systemd.
 */
import { spawnSync } from "node:child_process";
import type { Subprocess } from "bun";

const RUNTIME_DIR = "/run/user/0";

export interface UserManager {
  /** argv prefix that runs a command in the manager's mount namespace. */
  exec: string[];
  /** XDG_RUNTIME_DIR for commands run through `exec`. */
  runtimeDir: string;
  /** SIGTERM: the manager stops its units and exits. */
  stop(): Promise<void>;
}

/** Why a user manager cannot run here (undefined when it can). */
export function userManagerUnavailable(): string | undefined {
  if (process.platform !== "linux") return `systemd is Linux-only (${process.platform})`;
  if (process.getuid?.() !== 0) return "needs root (a private mount namespace)";
  for (const tool of ["systemd", "systemctl", "unshare", "nsenter"]) if (!Bun.which(tool)) return `no \`${tool}\` on PATH`;
  return undefined;
}

/** Starts `systemd --user` with `home` as HOME; resolves once systemctl can reach it. */
export async function startUserManager(home: string): Promise<UserManager> {
  const script = `mount -t tmpfs tmpfs /run && mkdir -p /run/systemd/system ${RUNTIME_DIR} && chmod 700 ${RUNTIME_DIR} && exec systemd --user`;
  const proc: Subprocess = Bun.spawn(["unshare", "--mount", "--propagation", "private", "sh", "-c", script], {
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: home, XDG_RUNTIME_DIR: RUNTIME_DIR },
    stdin: "ignore",
    stdout: "ignore",
    stderr: "pipe",
  });
  const exec = ["nsenter", "-t", String(proc.pid), "-m", "--"];
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`systemd --user exited ${proc.exitCode}: ${await new Response(proc.stderr as ReadableStream).text()}`);
    if (spawnSync(exec[0]!, [...exec.slice(1), "test", "-S", `${RUNTIME_DIR}/systemd/private`]).status === 0) break;
    if (Date.now() > deadline) {
      proc.kill("SIGKILL");
      throw new Error("systemd --user did not open its control socket within 10 s");
    }
    await Bun.sleep(50);
  }
  return {
    exec,
    runtimeDir: RUNTIME_DIR,
    async stop() {
      proc.kill("SIGTERM");
      const timer = setTimeout(() => proc.kill("SIGKILL"), 10_000);
      await proc.exited;
      clearTimeout(timer);
    },
  };
}
