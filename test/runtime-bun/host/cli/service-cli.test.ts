/**
 * The gateway as a service from the CLI (spec §12), as child processes:
 * start -> status --json -> restart (graceful: shutdown + 1012, new pid) ->
 * stop; one gateway per state dir; a port held by a stranger exits 78 naming
 * it and --force never kills it; install writes a unit without credentials.
 */
import { afterEach, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { freshHome, runCli, spawnGateway } from "../../../harness/process.ts";
import { connectClient, waitFor } from "../../../harness/reference-client.ts";

const TOKEN = "service-test-token-0123456789";
/** No systemd/launchd is driven from tests, even on hosts that have one. */
const ENV = { CLAWGATE_SERVICE_MANAGER: "none" };

const cleanup: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

/** A HOME with a config, whose background gateway (if any) is killed after the test. */
function home(config: object = { gateway: { mode: "local", auth: { mode: "token", token: TOKEN } } }): string {
  const h = freshHome();
  mkdirSync(join(h, ".openclaw"), { mode: 0o700 });
  writeFileSync(join(h, ".openclaw", "openclaw.json"), JSON.stringify(config), { mode: 0o600 });
  cleanup.push(() => {
    try {
      const pid = JSON.parse(readFileSync(join(h, ".openclaw", "gateway.pid"), "utf8")).pid;
      process.kill(pid, "SIGKILL");
    } catch {
      // nothing running
    }
    rmSync(h, { recursive: true, force: true });
  });
  return h;
}

const json = (s: string) => JSON.parse(s);

describe("start -> status -> restart -> stop (pid-file managed)", () => {
  test("lifecycle with graceful restart", async () => {
    const h = home();
    const start = await runCli(h, ["gateway", "start", "--port", "0", "--json"], ENV);
    expect(start.code).toBe(0);
    const started = json(start.stdout);
    expect(started).toMatchObject({ ok: true, action: "start", result: "started", manager: "pid-file" });

    const status = json((await runCli(h, ["gateway", "status", "--json"], ENV)).stdout);
    expect(status.service.runtime).toMatchObject({ status: "running", pid: started.pid, port: started.port });
    expect(status.gateway.port).toBe(started.port);
    expect(status.port.listeners[0]).toMatchObject({ pid: started.pid, clawgate: true });
    expect(status.rpc).toMatchObject({ ok: true, url: `ws://127.0.0.1:${started.port}`, version: "2026.9.6" });
    for (const key of ["cli", "logFile", "service", "config", "gateway", "port", "rpc", "extraServices"]) expect(status).toHaveProperty(key);

    // A second start is a no-op that reports the running process.
    expect(json((await runCli(h, ["gateway", "start", "--json"], ENV)).stdout)).toMatchObject({ ok: true, result: "already-running", pid: started.pid });

    const client = await connectClient({ url: `ws://127.0.0.1:${started.port}`, token: TOKEN });
    cleanup.push(() => client.client.stop());
    const restart = await runCli(h, ["gateway", "restart", "--json"], ENV);
    expect(restart.code).toBe(0);
    const restarted = json(restart.stdout);
    expect(restarted).toMatchObject({ ok: true, action: "restart", result: "restarted" });
    expect(restarted.pid).not.toBe(started.pid);
    await waitFor(() => client.closes.length > 0);
    expect(client.events.find((e) => e.event === "shutdown")?.payload).toMatchObject({ reason: "gateway stopping" });
    expect(client.closes[0]).toEqual({ code: 1012, reason: "service restart" });

    const health = await fetch(`http://127.0.0.1:${restarted.port}/health`);
    expect(health.status).toBe(200);

    const stop = await runCli(h, ["gateway", "stop", "--json"], ENV);
    expect(json(stop.stdout)).toMatchObject({ ok: true, action: "stop", result: "stopped", pid: restarted.pid });
    expect(existsSync(join(h, ".openclaw", "gateway.pid"))).toBe(false);
    expect(json((await runCli(h, ["gateway", "status", "--json", "--no-probe"], ENV)).stdout).service.runtime.status).toBe("stopped");
    expect(json((await runCli(h, ["gateway", "stop", "--json"], ENV)).stdout)).toMatchObject({ ok: true, result: "not-running" });
  }, 60_000);

  test("a config the gateway refuses -> start fails with the gateway's exit 78 and its message", async () => {
    const h = home({ gateway: { mode: "local", bind: "lan", auth: { mode: "none" } } });
    const res = await runCli(h, ["gateway", "start", "--port", "0", "--json"], ENV);
    expect(res.code).toBe(78);
    expect(json(res.stdout)).toMatchObject({ ok: false, result: "start-failed" });
    expect(res.stdout).toContain("Refusing to bind gateway to lan without auth.");
  }, 30_000);
});

describe("one gateway per state dir", () => {
  test("a second `gateway run` on the same state dir -> exit 78 naming the holder; the first keeps serving", async () => {
    const h = home();
    const first = await spawnGateway(h, ["--port", "0"]);
    cleanup.push(() => void first.proc.kill("SIGKILL"));
    const second = await runCli(h, ["gateway", "run", "--port", "0"]);
    expect(second.code).toBe(78);
    expect(second.stderr).toContain(`gateway already running (pid ${first.proc.pid}, port ${first.port}) for state dir ${join(h, ".openclaw")}`);
    expect((await fetch(`http://127.0.0.1:${first.port}/health`)).status).toBe(200);
  }, 30_000);

  test("--force replaces the clawgate the pid file names (gracefully)", async () => {
    const h = home();
    const first = await spawnGateway(h, ["--port", "0"]);
    cleanup.push(() => void first.proc.kill("SIGKILL"));
    const second = await spawnGateway(h, ["--port", "0", "--force"]);
    cleanup.push(() => void second.proc.kill("SIGKILL"));
    expect(await first.proc.exited).toBe(0);
    expect(json(readFileSync(join(h, ".openclaw", "gateway.pid"), "utf8")).pid).toBe(second.proc.pid);
  }, 30_000);

  test("a stale pid file (process gone) is reclaimed", async () => {
    const h = home();
    writeFileSync(join(h, ".openclaw", "gateway.pid"), JSON.stringify({ pid: 2 ** 22 - 7, startedAt: "2020-01-01T00:00:00Z", version: "0", configPath: "x" }));
    const gw = await spawnGateway(h, ["--port", "0"]);
    cleanup.push(() => void gw.proc.kill("SIGKILL"));
    expect(json(readFileSync(join(h, ".openclaw", "gateway.pid"), "utf8")).pid).toBe(gw.proc.pid);
  }, 30_000);
});

describe("a port held by another program (EADDRINUSE)", () => {
  test("exit 78 naming the holder; --force does not kill a stranger", async () => {
    const h = home();
    const stranger = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response("not clawgate") });
    cleanup.push(() => void stranger.stop(true));
    for (const args of [["--port", String(stranger.port)], ["--port", String(stranger.port), "--force"]]) {
      const res = await runCli(h, ["gateway", "run", ...args]);
      expect(res.code).toBe(78);
      expect(res.stderr).toContain(`another process is already listening on ws://127.0.0.1:${stranger.port}: pid ${process.pid}`);
    }
    expect(await (await fetch(`http://127.0.0.1:${stranger.port}/`)).text()).toBe("not clawgate");
    // The refused run released the state dir's lock.
    expect(existsSync(join(h, ".openclaw", "gateway.pid"))).toBe(false);
  }, 30_000);
});

describe.skipIf(process.platform !== "linux")("gateway install (systemd user unit)", () => {
  test("writes openclaw-gateway[-profile].service running this clawgate, without credentials, RestartPreventExitStatus=78", async () => {
    const h = home();
    const res = await runCli(h, ["--profile", "work", "gateway", "install", "--json"], { ...ENV, OPENCLAW_GATEWAY_TOKEN: "must-not-be-baked-123" });
    expect(res.code).toBe(0);
    const out = json(res.stdout);
    expect(out).toMatchObject({ ok: true, action: "install", manager: "systemd" });
    expect(out.hints.join(" ")).toContain("OPENCLAW_GATEWAY_TOKEN from this shell is not stored in the service");
    const unit = readFileSync(join(h, ".config", "systemd", "user", "openclaw-gateway-work.service"), "utf8");
    expect(unit).toContain("\nRestart=on-failure\n");
    expect(unit).toContain("\nRestartPreventExitStatus=78\n");
    expect(unit).toMatch(/\nExecStart=\S+ \S*clawgate\.ts gateway run\n/);
    expect(unit).toContain("\nEnvironment=OPENCLAW_PROFILE=work\n");
    expect(unit).not.toContain("must-not-be-baked");
    expect(unit).not.toMatch(/TOKEN|PASSWORD/);
    const again = await runCli(h, ["--profile", "work", "gateway", "install", "--json"], ENV);
    expect(json(again.stdout)).toMatchObject({ ok: false, result: "already-installed" });
    const refused = await runCli(h, ["gateway", "install", "--token", "abc"], ENV);
    expect(refused.code).toBe(78);
    const un = await runCli(h, ["--profile", "work", "gateway", "uninstall", "--json"], ENV);
    expect(json(un.stdout)).toMatchObject({ ok: true, result: "uninstalled" });
    expect(existsSync(join(h, ".config", "systemd", "user", "openclaw-gateway-work.service"))).toBe(false);
  }, 30_000);
});
