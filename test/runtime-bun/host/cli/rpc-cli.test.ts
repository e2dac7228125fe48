/**
 * CLI verbs that talk to a running gateway, as child processes (spec §12):
 * `gateway call` exit codes and JSON error objects, `gateway health`,
 * `gateway probe`, `status`, and `logs` over logs.tail, including a log
 * grep for secrets after failed authentications.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { freshHome, runCli, spawnGateway, type ChildGateway } from "../../../harness/process.ts";
import { connectClient } from "../../../harness/reference-client.ts";

const TOKEN = "rpc-cli-token-0123456789abcdef";
const WRONG = "wrong-secret-token-555555555";
let home: string;
let gw: ChildGateway;
let url: string;

beforeAll(async () => {
  home = freshHome();
  mkdirSync(join(home, ".openclaw"), { mode: 0o700 });
  // Loopback is not exempt here, so a brute-force run locks out instead of slowing down.
  writeFileSync(join(home, ".openclaw", "openclaw.json"), JSON.stringify({ gateway: { mode: "local", auth: { mode: "token", token: TOKEN, rateLimit: { exemptLoopback: false, maxAttempts: 3 } } } }), { mode: 0o600 });
  gw = await spawnGateway(home, ["--port", "0"]);
  url = `ws://127.0.0.1:${gw.port}`;
});
afterAll(() => {
  gw.proc.kill("SIGKILL");
  rmSync(home, { recursive: true, force: true });
});

const cli = (args: string[]) => runCli(home, args);

describe("gateway call (§12)", () => {
  test("success -> exit 0 with the payload; human mode prefixes 'Gateway call: <method>'", async () => {
    const json = await cli(["gateway", "call", "health", "--port", String(gw.port), "--json"]);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout).ok).toBe(true);
    const human = await cli(["gateway", "call", "status", "--port", String(gw.port)]);
    expect(human.code).toBe(0);
    expect(human.stdout).toStartWith("Gateway call: status\n{");
  });

  test("a gateway refusal -> exit 1, gateway_request_error with code, message, retryable", async () => {
    const res = await cli(["gateway", "call", "no.such.method", "--port", String(gw.port), "--json"]);
    expect(res.code).toBe(1);
    expect(JSON.parse(res.stdout)).toEqual({ ok: false, error: { type: "gateway_request_error", code: "INVALID_REQUEST", message: "unknown method: no.such.method", retryable: false } });
    const params = await cli(["gateway", "call", "health", "--params", '{"bogus":1}', "--port", String(gw.port), "--json"]);
    expect(JSON.parse(params.stdout).error.message).toBe("invalid health params: at root: unexpected property 'bogus'");
  });

  test("unreachable -> exit 1, gateway_transport_error with reason and top-level gateway{url,urlSource}", async () => {
    const res = await cli(["gateway", "call", "health", "--url", "ws://127.0.0.1:9", "--token", "t", "--json"]);
    expect(res.code).toBe(1);
    expect(JSON.parse(res.stdout)).toEqual({
      ok: false,
      error: { type: "gateway_transport_error", kind: "closed", message: "Gateway not reachable at ws://127.0.0.1:9 (ECONNREFUSED).", reason: "connect ECONNREFUSED 127.0.0.1:9" },
      gateway: { url: "ws://127.0.0.1:9", urlSource: "cli --url" },
    });
    const human = await cli(["gateway", "call", "health", "--url", "ws://127.0.0.1:9", "--token", "t"]);
    expect(human.stderr).toContain("Gateway not reachable at ws://127.0.0.1:9 (ECONNREFUSED).\nStart it with `clawgate gateway run` or check `clawgate gateway status`.");
  });

  test("--url without credentials -> gateway_credentials_required; bad --params -> cli_error", async () => {
    const creds = await cli(["gateway", "call", "health", "--url", url, "--json"]);
    expect(creds.code).toBe(1);
    expect(JSON.parse(creds.stdout).error.type).toBe("gateway_credentials_required");
    const params = await cli(["gateway", "call", "health", "--params", "{bad", "--port", String(gw.port), "--json"]);
    expect(params.code).toBe(1);
    expect(JSON.parse(params.stdout)).toEqual({ ok: false, error: { type: "cli_error", message: "--params must be valid JSON." } });
  });

  test("a method whose scope depends on its params (§5) -> asks again for the scope the refusal names", async () => {
    // sessions.delete is write with archivedOnly, admin without: the static table says write.
    const res = await cli(["gateway", "call", "sessions.delete", "--params", JSON.stringify({ key: "agent:main:scratch" }), "--port", String(gw.port), "--json"]);
    expect(res.code).toBe(0);
    expect(JSON.parse(res.stdout)).toMatchObject({ ok: true, key: "agent:main:scratch" });
  });

  test("gateway health -> exit 0 with the health snapshot", async () => {
    const res = await cli(["gateway", "health", "--port", String(gw.port), "--json"]);
    expect(res.code).toBe(0);
    expect(JSON.parse(res.stdout)).toMatchObject({ ok: true, defaultAgentId: "main" });
  });
});

describe("gateway probe / status", () => {
  test("probe --json -> reachable local loopback with read-probe details", async () => {
    const res = await cli(["gateway", "probe", "--json", "--port", String(gw.port)]);
    expect(res.code).toBe(0);
    const report = JSON.parse(res.stdout);
    expect(report).toMatchObject({ ok: true, primaryTargetId: "localLoopback" });
    expect(report.targets[0]).toMatchObject({ id: "localLoopback", url, connect: { ok: true }, server: { version: "2026.9.6" } });
  });

  test("probe of nothing -> exit 1", async () => {
    const res = await cli(["gateway", "probe", "--json", "--url", "ws://127.0.0.1:9", "--token", "t", "--port", "9"]);
    expect(res.code).toBe(1);
  });

  test("status --json merges the status RPC with gateway and service facts", async () => {
    const res = await cli(["status", "--json"]);
    expect(res.code).toBe(0);
    const s = JSON.parse(res.stdout);
    expect(s).toMatchObject({ runtimeVersion: "2026.9.6", gateway: { reachable: true, url, urlSource: "local loopback" }, gatewayService: { runtime: { status: "running", pid: gw.proc.pid, port: gw.port } } });
  });
});

describe("logs over logs.tail", () => {
  test("--json -> a meta record then log records; --limit bounds them", async () => {
    const res = await cli(["logs", "--json", "--limit", "3"]);
    expect(res.code).toBe(0);
    const lines = res.stdout.trim().split("\n").map((l) => JSON.parse(l));
    expect(lines[0]).toMatchObject({ type: "meta", file: join(home, ".openclaw", "logs", "gateway.log"), sourceKind: "file" });
    const logs = lines.filter((l) => l.type === "log");
    expect(logs.length).toBeGreaterThan(0);
    expect(logs.length).toBeLessThanOrEqual(3);
    expect(logs[0]).toMatchObject({ level: expect.any(String), subsystem: expect.any(String), message: expect.any(String), raw: expect.any(String) });
  });

  test("--follow prints records written after it started (the CLI finds the --port 0 gateway through its pid file)", async () => {
    const proc = Bun.spawn([process.execPath, join(import.meta.dir, "../../../../runtime-bun/bin/clawgate.ts"), "logs", "--follow", "--json", "--interval", "50", "--limit", "1"], { env: { ...process.env, HOME: home, NO_COLOR: "1" }, stdout: "pipe", stderr: "pipe" });
    try {
      const reader = proc.stdout.getReader();
      let out = "";
      let connectedAt = -1;
      const deadline = Date.now() + 10_000;
      while (!(connectedAt >= 0 && out.slice(connectedAt).includes('"message":"client connected"')) && Date.now() < deadline) {
        const { value, done } = await reader.read();
        if (done) break;
        out += new TextDecoder().decode(value);
        if (connectedAt < 0 && out.includes('"type":"meta"')) {
          connectedAt = out.length;
          // A new connect writes a new record for the follower to pick up.
          const c = await connectClient({ url, token: TOKEN });
          c.client.stop();
        }
      }
      const records = out.split("\n").filter(Boolean).map((l) => JSON.parse(l));
      expect(records[0].type).toBe("meta");
      expect(out.slice(connectedAt)).toContain('"message":"client connected"');
    } finally {
      proc.kill("SIGINT");
      await proc.exited;
    }
  }, 20_000);

  test("after failed authentications the log holds neither the tried nor the real token, and the flood is coalesced", async () => {
    // 60 refused connects from loopback: 3 mismatches, then rate-limited refusals (exemptLoopback off).
    await Promise.all(Array.from({ length: 60 }, () => connectClient({ url, token: WRONG }).catch(() => undefined)));
    const log = readFileSync(join(home, ".openclaw", "logs", "gateway.log"), "utf8");
    expect(log).not.toContain(WRONG);
    expect(log).not.toContain(TOKEN);
    const refused = log.split("\n").filter((l) => l.includes('"connect refused"'));
    expect(refused.length).toBe(5);
    expect(refused.map((l) => JSON.parse(l).reason)).toContain("token_mismatch");
    const tail = await cli(["logs", "--json", "--limit", "500"]);
    expect(tail.stdout).not.toContain(WRONG);
  }, 30_000);
});
