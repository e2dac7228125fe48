/**
 * `clawgate doctor` as a child process (spec §12): a deliberately broken
 * setup is flagged check by check, and --fix repairs what it safely can.
 */
import { afterEach, describe, expect, test } from "bun:test";
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { freshHome, runCli, spawnGateway } from "../../../harness/process.ts";

const homes: string[] = [];
afterEach(() => {
  for (const h of homes.splice(0)) rmSync(h, { recursive: true, force: true });
});

function home(config: string): { h: string; path: string; state: string } {
  const h = freshHome();
  homes.push(h);
  const state = join(h, ".openclaw");
  mkdirSync(state, { mode: 0o700 });
  const path = join(state, "openclaw.json");
  writeFileSync(path, config);
  return { h, path, state };
}

const findings = (stdout: string) => JSON.parse(stdout).findings as { checkId: string; severity: string; message: string; fixed?: boolean }[];

describe("doctor", () => {
  test("broken setup: lan bind without a token, token drift, 0644 config, stale pid -> each flagged; --fix repairs the safe ones", async () => {
    const { h, path, state } = home(JSON.stringify({ gateway: { mode: "local", bind: "lan", remote: { token: "remote-token-aaaaaaaa" } } }));
    chmodSync(path, 0o644);
    writeFileSync(join(state, "gateway.pid"), JSON.stringify({ pid: 2 ** 22 - 9, startedAt: "2020-01-01T00:00:00Z", version: "0", configPath: path }));
    const env = { OPENCLAW_GATEWAY_TOKEN: "env-token-bbbbbbbbbb" };

    const check = await runCli(h, ["doctor", "--json"], env);
    // Warnings only: exit 0.
    expect(check.code).toBe(0);
    const before = findings(check.stdout);
    const ids = before.map((f) => f.checkId);
    expect(ids).toContain("files/permissions");
    expect(ids).toContain("gateway/stale-pid");
    expect(before.find((f) => f.checkId === "files/permissions")!.message).toContain(`${path} is 0644`);
    expect(before.find((f) => f.checkId === "gateway/stale-pid")!.message).toContain("is not a running clawgate gateway");
    // The env token counts as auth for a lan bind, so first: no drift without a config token; bind-auth is fine.
    expect(ids).not.toContain("gateway/bind-auth");

    const noEnvRun = await runCli(h, ["doctor", "--json"]);
    expect(noEnvRun.code).toBe(1);
    const noEnv = findings(noEnvRun.stdout);
    expect(noEnv.find((f) => f.checkId === "gateway/bind-auth")).toMatchObject({ severity: "error", message: expect.stringContaining('gateway.bind is "lan"') });

    const fix = await runCli(h, ["doctor", "--fix", "--json"]);
    const fixed = findings(fix.stdout);
    expect(fixed.filter((f) => f.fixed).map((f) => f.checkId).sort()).toEqual(["files/permissions", "gateway/bind-auth", "gateway/stale-pid"]);
    expect(fix.code).toBe(0);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(existsSync(join(state, "gateway.pid"))).toBe(false);
    const repaired = JSON.parse(readFileSync(path, "utf8"));
    expect(repaired.gateway.auth.token).toMatch(/^[0-9a-f]{48}$/);
    expect(repaired.gateway.bind).toBe("lan");

    // Now the config has a token, and the env and remote tokens drift from it: reported, never guessed at.
    const drift = findings((await runCli(h, ["doctor", "--json"], env)).stdout).filter((f) => f.checkId === "gateway/token-drift");
    expect(drift.map((f) => f.message)).toEqual([
      "gateway.remote.token differs from gateway.auth.token; clients that use the remote token are refused (token mismatch).",
      "OPENCLAW_GATEWAY_TOKEN differs from gateway.auth.token; the gateway uses the config token, so CLIs and scripts reading the variable are refused.",
    ]);
    const text = await runCli(h, ["doctor"], env);
    expect(text.stdout).toContain("gateway.remote.token differs from gateway.auth.token");
    expect(text.stdout).not.toContain("remote-token-aaaaaaaa");
    expect(text.stdout).not.toContain("env-token-bbbbbbbbbb");
  }, 30_000);

  test("port in use by another program -> named", async () => {
    const stranger = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response("x") });
    try {
      const { h } = home(JSON.stringify({ gateway: { mode: "local", port: stranger.port } }));
      const f = findings((await runCli(h, ["doctor", "--json"])).stdout).find((x) => x.checkId === "gateway/port");
      expect(f?.severity).toBe("error");
      expect(f?.message).toStartWith(`Port ${stranger.port} (config) is in use by pid ${process.pid} (`);
    } finally {
      stranger.stop(true);
    }
  });

  test("an invalid config -> flagged; --fix restores the last-known-good copy the gateway recorded", async () => {
    const { h, path } = home(JSON.stringify({ gateway: { mode: "local", auth: { token: "good-token-0123456789" } }, logging: { level: "info" } }));
    const gw = await spawnGateway(h, ["--port", "0"]);
    gw.proc.kill("SIGTERM");
    await gw.proc.exited;
    writeFileSync(path, '{ gateway: { mode: "local", port: "not-a-port" } }');

    const broken = await runCli(h, ["doctor", "--json"]);
    expect(broken.code).toBe(1);
    expect(findings(broken.stdout)[0]).toMatchObject({ checkId: "config/valid", severity: "error", message: "Config is invalid: gateway.port: Invalid input: expected number, received string" });

    const fix = await runCli(h, ["doctor", "--fix"]);
    expect(fix.code).toBe(0);
    expect(fix.stdout).toContain("restored the last-known-good copy");
    expect(JSON.parse(readFileSync(path, "utf8")).gateway.auth.token).toBe("good-token-0123456789");
    expect(readFileSync(`${path}.bak`, "utf8")).toBe('{ gateway: { mode: "local", port: "not-a-port" } }');
    expect((await runCli(h, ["config", "validate"])).code).toBe(0);
  }, 30_000);

  test("--generate-gateway-token -> token mode with a 48-hex token, previous file in .bak", async () => {
    const { h, path } = home('{ gateway: { mode: "local" } }');
    const res = await runCli(h, ["doctor", "--generate-gateway-token"]);
    expect(res.code).toBe(0);
    expect(res.stdout).toContain("Gateway token configured");
    const cfg = JSON.parse(readFileSync(path, "utf8"));
    expect(cfg.gateway.auth).toEqual({ mode: "token", token: expect.stringMatching(/^[0-9a-f]{48}$/) });
    expect(res.stdout).not.toContain(cfg.gateway.auth.token);
    expect(readFileSync(`${path}.bak`, "utf8")).toBe('{ gateway: { mode: "local" } }');
  });

  test("a healthy setup -> exit 0, no problems", async () => {
    const { h, path } = home(JSON.stringify({ gateway: { mode: "local", auth: { mode: "token", token: "fine-token-0123456789" } } }));
    chmodSync(path, 0o600);
    const res = await runCli(h, ["doctor"]);
    expect(res.code).toBe(0);
    expect(res.stdout).toContain("No problems found.");
  });

  test("tools.exec.mode unset -> says clawgate's default (ask) differs from upstream's (full); set -> silent", async () => {
    const unset = home(JSON.stringify({ gateway: { mode: "local", auth: { mode: "token", token: "fine-token-0123456789" } } }));
    chmodSync(unset.path, 0o600);
    const said = findings((await runCli(unset.h, ["doctor", "--json"])).stdout).filter((f) => f.checkId === "tools/exec-mode");
    expect(said).toEqual([expect.objectContaining({ severity: "info", message: expect.stringContaining('clawgate runs the exec tool in "ask" mode (upstream\'s default is "full")') })]);
    const set = home(JSON.stringify({ gateway: { mode: "local", auth: { mode: "token", token: "fine-token-0123456789" } }, tools: { exec: { mode: "full" } } }));
    chmodSync(set.path, 0o600);
    expect(findings((await runCli(set.h, ["doctor", "--json"])).stdout).filter((f) => f.checkId === "tools/exec-mode")).toEqual([]);
  });
});
