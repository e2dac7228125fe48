/**
 * `clawgate gateway install|start|stop|restart|uninstall` under a real
 * systemd user manager (spec §12): the unit is installed and enabled, the
 * gateway it runs answers, stop/start/restart act on the real process, and a
 * connected client sees the graceful 1012 on restart. The manager runs in a
 * mount namespace of the test's own (test/harness/systemd-user.ts).
 */
import { afterAll, beforeAll, expect } from "bun:test";
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { IN_CI, testNeeding } from "../../../harness/capability.ts";
import { childEnv, CLI, configPort, freshHome } from "../../../harness/process.ts";
import { connected, connectParams } from "../../../harness/raw-socket.ts";
import { startUserManager, userManagerUnavailable, type UserManager } from "../../../harness/systemd-user.ts";

const TOKEN = "systemd-test-token-0123456789abcdef";
const missing = userManagerUnavailable();
const test = testNeeding("a systemd user manager", missing);

let home: string;
let port: number;
let manager: UserManager | undefined;
beforeAll(async () => {
  home = freshHome();
  port = await configPort();
  mkdirSync(join(home, ".openclaw"), { mode: 0o700 });
  writeFileSync(join(home, ".openclaw", "openclaw.json"), JSON.stringify({ gateway: { mode: "local", port, auth: { mode: "token", token: TOKEN } } }), { mode: 0o600 });
  if (!missing || IN_CI) manager = await startUserManager(home);
}, 30_000);
afterAll(async () => {
  await manager?.stop();
  rmSync(home, { recursive: true, force: true });
});

/** Runs a command inside the manager's namespace with the test HOME. */
async function inside(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const proc = Bun.spawn([...manager!.exec, ...argv], { env: childEnv(home, { XDG_RUNTIME_DIR: manager!.runtimeDir }), stdout: "pipe", stderr: "pipe" });
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  return { code, stdout, stderr };
}
const clawgate = async (...args: string[]) => {
  const r = await inside([process.execPath, CLI, ...args, "--json"]);
  return { code: r.code, out: r.stdout ? JSON.parse(r.stdout) : undefined, stderr: r.stderr };
};
const systemctl = async (...args: string[]) => (await inside(["systemctl", "--user", ...args])).stdout.trim();
const mainPid = async () => Number((await systemctl("show", "openclaw-gateway.service", "--property=MainPID")).replace("MainPID=", ""));
const answers = (port: number) => fetch(`http://127.0.0.1:${port}/health`).then((r) => r.status === 200, () => false);

async function until(cond: () => Promise<boolean>, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await Bun.sleep(50);
  }
}

test("install enables and starts the unit; restart (1012 to clients, new pid), stop, start and uninstall act on the real process", async () => {
  const installed = await clawgate("gateway", "install");
  expect(installed).toMatchObject({ code: 0, out: { ok: true, action: "install", result: "installed", manager: "systemd" } });
  expect(await systemctl("is-enabled", "openclaw-gateway.service")).toBe("enabled");
  await until(() => answers(port));
  const first = await mainPid();
  expect(first).toBeGreaterThan(0);
  expect(await systemctl("is-active", "openclaw-gateway.service")).toBe("active");

  const { sock } = await connected(`ws://127.0.0.1:${port}`, connectParams({ auth: { token: TOKEN } }));
  const restarted = await clawgate("gateway", "restart");
  expect(restarted).toMatchObject({ code: 0, out: { ok: true, action: "restart", result: "restarted", manager: "systemd", port } });
  expect(restarted.out.pid).not.toBe(first);
  expect(await sock.waitClose()).toEqual({ code: 1012, reason: "service restart" });
  expect(await mainPid()).toBe(restarted.out.pid);

  expect(await clawgate("gateway", "stop")).toMatchObject({ code: 0, out: { ok: true, action: "stop", result: "stopped", manager: "systemd" } });
  expect(await systemctl("is-active", "openclaw-gateway.service")).toBe("inactive");
  expect(await answers(port)).toBe(false);

  const started = await clawgate("gateway", "start");
  expect(started).toMatchObject({ code: 0, out: { ok: true, action: "start", result: "started", manager: "systemd", port } });
  expect(await answers(port)).toBe(true);

  expect(await clawgate("gateway", "uninstall")).toMatchObject({ code: 0, out: { ok: true, action: "uninstall", result: "uninstalled" } });
  expect(existsSync(join(home, ".config", "systemd", "user", "openclaw-gateway.service"))).toBe(false);
  expect(await answers(port)).toBe(false);
}, 90_000);
