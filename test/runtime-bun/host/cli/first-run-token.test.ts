/**
 * One secret on first run (spec §4.1): the token `gateway run` accepts is the
 * one the local CLI finds, whether it came from --token, OPENCLAW_GATEWAY_TOKEN
 * or was generated; a running gateway with another secret is named as such by
 * `gateway call`, `status` and `doctor`. Real child processes, real files.
 */
import { afterEach, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { openclaw, openclawCliAvailable, SKIP_MESSAGE } from "../../../harness/openclaw-cli.ts";
import { freshHome, runCli, spawnGateway, type ChildGateway } from "../../../harness/process.ts";

const homes: string[] = [];
const gateways: ChildGateway[] = [];
afterEach(async () => {
  for (const g of gateways.splice(0)) {
    g.proc.kill("SIGTERM");
    await g.proc.exited;
  }
  for (const h of homes.splice(0)) rmSync(h, { recursive: true, force: true });
});

function home(): string {
  const h = freshHome();
  homes.push(h);
  return h;
}

async function gateway(h: string, args: string[], env: Record<string, string> = {}): Promise<ChildGateway> {
  const g = await spawnGateway(h, ["--port", "0", ...args], env);
  gateways.push(g);
  return g;
}

const configOf = (h: string) => JSON.parse(readFileSync(join(h, ".openclaw", "openclaw.json"), "utf8"));

describe("first run: one secret", () => {
  test("--token T0ken123 on an empty HOME -> config stores that token and the CLI's health call passes", async () => {
    const h = home();
    const g = await gateway(h, ["--token", "T0ken123"]);
    expect(configOf(h).gateway.auth).toEqual({ mode: "token", token: "T0ken123" });
    expect(g.stderr()).toContain("with the --token value as its gateway token (gateway.auth.token)");
    const call = await runCli(h, ["gateway", "call", "health", "--json"]);
    expect(call.stderr).toBe("");
    expect(JSON.parse(call.stdout).ok).toBe(true);
    if (!openclawCliAvailable()) return console.warn(SKIP_MESSAGE);
    const real = await openclaw(["gateway", "call", "health", "--url", g.url, "--token", "T0ken123", "--json"], h);
    expect(real.code).toBe(0);
    expect(JSON.parse(real.stdout).ok).toBe(true);
  }, 60_000);

  test("OPENCLAW_GATEWAY_TOKEN and no config -> no token written; the env token is accepted by clawgate's and the real CLI", async () => {
    const h = home();
    const env = { OPENCLAW_GATEWAY_TOKEN: "envTok999" };
    const g = await gateway(h, [], env);
    const config = configOf(h);
    expect(config.gateway.mode).toBe("local");
    expect(config.gateway.auth).toBeUndefined();
    expect(g.stderr()).toContain("the gateway uses OPENCLAW_GATEWAY_TOKEN");
    const call = await runCli(h, ["gateway", "call", "health", "--json"], env);
    expect(JSON.parse(call.stdout).ok).toBe(true);
    // Control: the env token really is the secret (a wrong one is refused).
    const wrong = await runCli(h, ["gateway", "call", "health", "--json"], { OPENCLAW_GATEWAY_TOKEN: "other-token-1" });
    expect(JSON.parse(wrong.stdout).error.details.code).toBe("AUTH_TOKEN_MISMATCH");
    if (!openclawCliAvailable()) return console.warn(SKIP_MESSAGE);
    const real = await openclaw(["gateway", "call", "health", "--url", g.url, "--token", "envTok999", "--json"], h);
    expect(real.code).toBe(0);
  }, 60_000);

  test("no flag, no env -> a generated token in the config, which the CLI uses; listening is announced once", async () => {
    const h = home();
    const g = await gateway(h, []);
    // One announcement on the terminal, naming every address; the log file keeps its record.
    const terminal = `${g.stdout()}${g.stderr()}`.split("\n").filter((l) => /listening on (ws|port)/.test(l));
    expect(terminal).toEqual([`clawgate listening on port ${g.port} (ws://127.0.0.1:${g.port}, ws://[::1]:${g.port})`]);
    const log = readFileSync(join(h, ".openclaw", "logs", "gateway.log"), "utf8");
    expect(log).toContain(`"message":"listening on ws://127.0.0.1:${g.port}, ws://[::1]:${g.port}"`);
    expect(configOf(h).gateway.auth.token).toMatch(/^[0-9a-f]{48}$/);
    expect(JSON.parse((await runCli(h, ["gateway", "call", "health", "--json"])).stdout).ok).toBe(true);
    // Control for doctor's live check: secrets agree -> no auth finding.
    const doctor = JSON.parse((await runCli(h, ["doctor", "--json"])).stdout);
    expect(doctor.findings.map((f: { checkId: string }) => f.checkId)).not.toContain("gateway/auth-live");
  }, 60_000);
});

describe("a running gateway with another secret", () => {
  function configured(token?: string): string {
    const h = home();
    mkdirSync(join(h, ".openclaw"), { mode: 0o700 });
    writeFileSync(join(h, ".openclaw", "openclaw.json"), JSON.stringify({ gateway: { mode: "local", ...(token ? { auth: { mode: "token", token } } : {}) } }), { mode: 0o600 });
    return h;
  }

  test("started with --token B while the config says A -> call, status and doctor name the real cause", async () => {
    const h = configured("config-token-A1");
    await gateway(h, ["--token", "flag-token-B2"]);
    expect(configOf(h).gateway.auth.token).toBe("config-token-A1");

    const call = await runCli(h, ["gateway", "call", "health"]);
    expect(call.code).toBe(1);
    expect(call.stderr).toContain("is running but refuses the token this CLI sends (from gateway.auth.token) (it takes its secret from --token).");
    expect(call.stderr).toContain("`clawgate gateway restart` drops the flag");

    const status = await runCli(h, ["status"]);
    expect(status.stdout).toContain("is running but refuses the token");
    expect(status.stdout).not.toContain("clawgate gateway start");

    const doctor = await runCli(h, ["doctor", "--json"]);
    expect(doctor.code).toBe(1);
    const finding = JSON.parse(doctor.stdout).findings.find((f: { checkId: string }) => f.checkId === "gateway/auth-live");
    expect(finding.severity).toBe("error");
    expect(finding.message).toContain("refuses the token this CLI sends");
    expect(finding.fixHint).toContain("clawgate gateway restart");
    expect(doctor.stdout).not.toContain("flag-token-B2");

    // Control: the gateway's own secret passes.
    const restarted = await runCli(h, ["gateway", "call", "health", "--json", "--token", "flag-token-B2"]);
    expect(JSON.parse(restarted.stdout).ok).toBe(true);
  }, 60_000);

  test("no token anywhere for the CLI -> 'gateway token missing' and where to set it, not 'device identity required'", async () => {
    const h = configured();
    await gateway(h, []);
    expect(existsSync(join(h, ".openclaw", "openclaw.json"))).toBe(true);
    const call = await runCli(h, ["gateway", "call", "health"]);
    expect(call.code).toBe(1);
    expect(call.stderr.split("\n")[0]).toStartWith("gateway token missing: the CLI found no token or password");
    expect(call.stderr).toContain("OPENCLAW_GATEWAY_TOKEN");
    expect(call.stderr).toContain("clawgate config set gateway.auth.token <token>");
    // Other verbs say the same.
    const devices = await runCli(h, ["devices", "list"]);
    expect(devices.code).toBe(1);
    expect(devices.stderr).toContain("gateway token missing: the CLI found no token or password");
    // Scripts keep upstream's error object.
    const json = await runCli(h, ["gateway", "call", "health", "--json"]);
    expect(JSON.parse(json.stdout).error.message).toBe("device identity required");
    const doctor = JSON.parse((await runCli(h, ["doctor", "--json"])).stdout);
    expect(doctor.findings.find((f: { checkId: string }) => f.checkId === "gateway/auth-live").message).toContain("generated token");
  }, 60_000);
});
