/**
 * The single static binary (issue 4): `bun build --compile` for linux-x64,
 * built once here as `npm run build` does (a recorded start-up, then the
 * build laid out by it), then driven end to end: it starts, answers /health, the
 * reference client connects (and every lazily loaded method group answers), and the CLI verbs work from the binary itself
 * (config, call, status, start/stop of a background gateway).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Subprocess } from "bun";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { METHOD_GROUPS } from "../../core/rpc/method-groups.ts";
import { buildRelease } from "../../runtime-bun/build.ts";
import { childEnv } from "../harness/process.ts";
import { decodeQrDataUrl, prepareWhatsAppExtension, startWhatsApp } from "../harness/whatsapp-fake.ts";
import { connectClient } from "../harness/reference-client.ts";

const TOKEN = "binary-test-token-0123456789";
const canRun = process.platform === "linux" && process.arch === "x64";
if (!canRun) console.warn(`skipping the linux-x64 binary test: this host is ${process.platform}-${process.arch}`);

let dir: string;
let bin: string;
let home: string;

beforeAll(async () => {
  if (!canRun) return;
  dir = mkdtempSync(join(tmpdir(), "clawgate-bin-"));
  [bin] = await buildRelease(["x64"], dir);
  home = join(dir, "home");
  mkdirSync(join(home, ".openclaw"), { recursive: true, mode: 0o700 });
  writeFileSync(join(home, ".openclaw", "openclaw.json"), JSON.stringify({ gateway: { mode: "local", auth: { mode: "token", token: TOKEN } }, plugins: { entries: {} } }), { mode: 0o600 });
}, 60_000);

afterAll(() => {
  if (!canRun) return;
  try {
    process.kill(JSON.parse(readFileSync(join(home, ".openclaw", "gateway.pid"), "utf8")).pid, "SIGKILL");
  } catch {
    // nothing left running
  }
  rmSync(dir, { recursive: true, force: true });
});

/** `gateway run --port 0` of the binary for `home`, once it printed its port. */
async function startGateway(forHome: string): Promise<{ proc: Subprocess<"ignore", "pipe", "pipe">; port: number }> {
  const proc = Bun.spawn([bin, "gateway", "run", "--port", "0"], { env: childEnv(forHome), stdin: "ignore", stdout: "pipe", stderr: "pipe" });
  const reader = proc.stdout.getReader();
  let out = "";
  while (!/listening on port (\d+)/.test(out)) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`binary exited: ${out}${await new Response(proc.stderr).text()}`);
    out += new TextDecoder().decode(value);
  }
  return { proc, port: Number(/listening on port (\d+)/.exec(out)![1]) };
}

async function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const proc = Bun.spawn([bin, ...args], { env: { ...childEnv(home), CLAWGATE_SERVICE_MANAGER: "none" }, stdout: "pipe", stderr: "pipe" });
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  return { code, stdout, stderr };
}

describe.skipIf(!canRun)("dist/clawgate-linux-x64", () => {
  test("--version and --help", async () => {
    expect((await run(["--version"])).stdout).toMatch(/^clawgate \d+\.\d+\.\d+\n$/);
    expect((await run(["gateway", "status", "--help"])).stdout).toStartWith("Usage: clawgate gateway status");
  });

  test("gateway run in the foreground: /health 200, the reference client connects, SIGTERM exits 0", async () => {
    const { proc, port } = await startGateway(home);
    try {
      const health = await fetch(`http://127.0.0.1:${port}/health`);
      expect(health.status).toBe(200);
      expect(await health.json()).toEqual({ ok: true, status: "live" });
      // The Control UI is built into the binary: its page and the script it links.
      const page = await (await fetch(`http://127.0.0.1:${port}/`)).text();
      const script = /<script[^>]+src="([^"]+)"/.exec(page)?.[1];
      expect(script).toMatch(/^\/assets\/index-[a-z0-9]+\.js$/);
      expect(await (await fetch(`http://127.0.0.1:${port}${script}`)).text()).toContain("openclaw-control-ui");
      const { client, hello } = await connectClient({ url: `ws://127.0.0.1:${port}`, token: TOKEN });
      expect(hello.server.version).toBe("2026.9.6");
      const status = await client.request<any>("status", {});
      expect(status.pid).toBe(proc.pid);
      // Every method group is a chunk of its own, imported on its first call: each loads from the binary and validates.
      for (const { methods: [name] } of METHOD_GROUPS) {
        await expect(client.request(name!, { "unexpected.param": 1 })).rejects.toMatchObject({ gatewayCode: "INVALID_REQUEST", message: expect.stringMatching(new RegExp(`^invalid ${name!.replaceAll(".", "\\.")} params: `)) });
      }
      client.stop();
      const call = await run(["gateway", "call", "health", "--port", String(port), "--json"]);
      expect(call.code).toBe(0);
      expect(JSON.parse(call.stdout).ok).toBe(true);
      proc.kill("SIGTERM");
      expect(await proc.exited).toBe(0);
    } finally {
      proc.kill("SIGKILL");
    }
  }, 30_000);

  // A compiled Bun binary cannot resolve the bare imports of files on disk, so it imports one-file bundles it makes.
  test("WhatsApp from the optional install: the binary bundles the packages once, and web.login.start answers with the QR", async () => {
    const fake = startWhatsApp();
    const waHome = join(dir, "wa-home");
    const stateDir = join(waHome, ".openclaw");
    mkdirSync(stateDir, { recursive: true, mode: 0o700 });
    writeFileSync(join(stateDir, "openclaw.json"), JSON.stringify({ gateway: { mode: "local", auth: { mode: "token", token: TOKEN } }, channels: { whatsapp: { enabled: true } } }), { mode: 0o600 });
    prepareWhatsAppExtension(stateDir, fake.url);
    const { proc, port } = await startGateway(waHome);
    try {
      const { client } = await connectClient({ url: `ws://127.0.0.1:${port}`, token: TOKEN });
      const start = await client.request<any>("web.login.start", { channel: "whatsapp", timeoutMs: 20_000 });
      expect(decodeQrDataUrl(start.qrDataUrl)).toBe(fake.qrs[0]!);
      const ext = join(stateDir, "extensions", "whatsapp");
      expect(existsSync(join(ext, "baileys-7.0.0-rc14.bundle.js")) && existsSync(join(ext, "qrcode-1.5.4.bundle.js"))).toBe(true);
      client.stop();
    } finally {
      proc.kill("SIGKILL");
      fake.stop();
    }
  }, 60_000);

  test("config verbs keep unknown keys; doctor runs", async () => {
    expect((await run(["config", "set", "gateway.port", "19777"])).stdout).toBe("Updated gateway.port. Restart the gateway to apply.\n");
    expect((await run(["config", "get", "gateway.auth.token"])).stdout).toBe("__OPENCLAW_REDACTED__\n");
    const cfg = JSON.parse(readFileSync(join(home, ".openclaw", "openclaw.json"), "utf8"));
    expect(cfg.plugins).toEqual({ entries: {} });
    expect((await run(["config", "unset", "gateway.port"])).code).toBe(0);
    const validate = await run(["config", "validate", "--json"]);
    expect(JSON.parse(validate.stdout)).toMatchObject({ valid: true });
    expect((await run(["doctor", "--json"])).code).toBe(0);
  });

  test("gateway start/status/stop run the binary itself in the background", async () => {
    const start = await run(["gateway", "start", "--port", "0", "--json"]);
    expect(start.code).toBe(0);
    const { pid, port } = JSON.parse(start.stdout);
    const status = JSON.parse((await run(["gateway", "status", "--json"])).stdout);
    expect(status.service.runtime).toMatchObject({ status: "running", pid, port });
    expect(status.port.listeners[0].command).toStartWith(`${bin} gateway run`);
    expect(JSON.parse((await run(["gateway", "stop", "--json"])).stdout)).toMatchObject({ ok: true, result: "stopped", pid });
  }, 30_000);
});
