/**
 * Hot reload of a running `gateway run` child (spec §11): an invalid edit
 * (a bad value, `gateway.mode: "remote"`, a file over the size limit) keeps
 * the gateway serving and the log names the path and the problem; a
 * hot key applies without reconnecting clients; a new shared token closes
 * shared-token clients with 4001; a port change and SIGUSR2 restart in place.
 */
import { afterEach, describe, expect, test } from "bun:test";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { configPort, freshHome, runCli, spawnGateway, type ChildGateway } from "../../../harness/process.ts";
import { connectClient, waitFor, type ConnectedClient } from "../../../harness/reference-client.ts";

const TOKEN = "reload-token-0123456789abcd";
const cleanup: (() => void)[] = [];
afterEach(() => {
  for (const fn of cleanup.splice(0).reverse()) fn();
});

interface Running {
  home: string;
  path: string;
  gw: ChildGateway;
  client: ConnectedClient;
  write(config: object | string): void;
  log(): string;
}

/** A gateway on a free port taken from the config (a `--port` flag would win over config edits). */
async function start(config: { gateway: object }): Promise<Running> {
  const home = freshHome();
  mkdirSync(join(home, ".openclaw"), { mode: 0o700 });
  const path = join(home, ".openclaw", "openclaw.json");
  const write = (c: object | string) => writeFileSync(path, typeof c === "string" ? c : JSON.stringify(c, null, 2), { mode: 0o600 });
  let gw: ChildGateway;
  // The port goes into the config, so it cannot be held meanwhile: if someone took it first, try another.
  for (let attempt = 1; ; attempt++) {
    write({ ...config, gateway: { port: await configPort(), ...config.gateway } });
    try {
      gw = await spawnGateway(home, []);
      break;
    } catch (error) {
      if (attempt === 3 || !String(error).includes("already listening")) throw error;
    }
  }
  const client = await connectClient({ url: `ws://127.0.0.1:${gw.port}`, token: TOKEN });
  cleanup.push(() => {
    client.client.stop();
    gw.proc.kill("SIGKILL");
    rmSync(home, { recursive: true, force: true });
  });
  return { home, path, gw, client, write, log: () => readFileSync(join(home, ".openclaw", "logs", "gateway.log"), "utf8") };
}

const base = { gateway: { mode: "local", auth: { mode: "token", token: TOKEN } } };

describe("hot reload (hybrid)", () => {
  test("an invalid edit -> skipped, logged with path and problem; the gateway keeps serving the running config", async () => {
    const r = await start(base);
    r.write('{ gateway: { mode: "local", port: "not-a-port" } }');
    await waitFor(() => r.log().includes("config reload skipped (invalid config)"), 5_000);
    const line = r.log().split("\n").find((l) => l.includes("config reload skipped"))!;
    expect(JSON.parse(line)).toMatchObject({ level: "error", subsystem: "reload", path: r.path, problem: "gateway.port: Invalid input: expected number, received string" });
    expect(JSON.parse(line).message).toBe(`config reload skipped (invalid config): ${r.path}: gateway.port: Invalid input: expected number, received string`);
    expect((await r.client.client.request<any>("health")).ok).toBe(true);
    expect((await fetch(`http://127.0.0.1:${r.gw.port}/health`)).status).toBe(200);
    r.write("{ this is not json5");
    await waitFor(() => r.log().includes("SyntaxError: JSON5"), 5_000);
    expect(r.client.closes).toEqual([]);
  }, 20_000);

  test("a hot key (models.providers) -> applied live; the connected client is never closed", async () => {
    const r = await start(base);
    r.write({ gateway: { ...base.gateway, port: r.gw.port }, models: { providers: { local: { baseUrl: "http://127.0.0.1:9/v1", models: ["m1"] } } } });
    await waitFor(() => r.log().includes("config hot reload applied (models.providers.local.baseUrl, models.providers.local.models)"), 5_000);
    const models = await r.client.client.request<any>("models.list", {});
    expect(models.models).toContainEqual({ id: "local/m1", name: "m1", provider: "local" });
    expect(r.client.closes).toEqual([]);
  }, 20_000);

  test("a new gateway.auth.token -> shared-token clients closed 4001; the new token works, the old one is refused", async () => {
    const r = await start(base);
    const next = "rotated-token-9876543210zz";
    r.write({ gateway: { mode: "local", port: r.gw.port, auth: { mode: "token", token: next } } });
    await waitFor(() => r.client.closes.length > 0, 5_000);
    expect(r.client.closes[0]).toEqual({ code: 4001, reason: "gateway auth changed" });
    r.client.client.stop();
    const fresh = await connectClient({ url: `ws://127.0.0.1:${r.gw.port}`, token: next });
    fresh.client.stop();
    const old: any = await connectClient({ url: `ws://127.0.0.1:${r.gw.port}`, token: TOKEN }).catch((e) => e);
    expect(old.code).toBe(1008);
    expect(r.log()).not.toContain(next);
    expect(r.log()).not.toContain(TOKEN);
  }, 20_000);

  test("a new gateway.port -> restart in place: shutdown + 1012, same pid, listening on the new port", async () => {
    const r = await start(base);
    const port = await configPort();
    r.write({ gateway: { ...base.gateway, port } });
    await waitFor(() => r.gw.stdout().includes(`listening on port ${port}`), 10_000);
    await waitFor(() => r.client.closes.length > 0, 5_000);
    expect(r.client.closes[0]).toEqual({ code: 1012, reason: "service restart" });
    expect(r.client.events.find((e) => e.event === "shutdown")?.payload).toMatchObject({ reason: "gateway stopping", restartExpectedMs: expect.any(Number) });
    expect(r.gw.proc.exitCode).toBeNull();
    expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200);
    expect(JSON.parse(readFileSync(join(r.home, ".openclaw", "gateway.pid"), "utf8"))).toMatchObject({ pid: r.gw.proc.pid, port });
  }, 20_000);

  test("SIGUSR2 -> restart in place on the same port", async () => {
    const r = await start(base);
    r.gw.proc.kill("SIGUSR2");
    await waitFor(() => r.gw.stdout().split("listening on port").length === 3, 10_000);
    await waitFor(() => r.client.closes.length > 0, 5_000);
    expect(r.client.closes[0]).toEqual({ code: 1012, reason: "service restart" });
    expect(r.gw.proc.exitCode).toBeNull();
    const again = await connectClient({ url: `ws://127.0.0.1:${r.gw.port}`, token: TOKEN });
    again.client.stop();
  }, 20_000);
});

describe("gateway.reload.mode off", () => {
  test("edits are validated but not applied", async () => {
    const r = await start({ gateway: { ...base.gateway, reload: { mode: "off" } } });
    r.write({ gateway: { ...base.gateway, port: r.gw.port, reload: { mode: "off" } }, models: { providers: { local: { models: ["m2"] } } } });
    await waitFor(() => r.log().includes("gateway.reload.mode is off"), 5_000);
    const models = await r.client.client.request<any>("models.list", {});
    expect(models.models.map((m: any) => m.id)).toEqual(["clawgate/embedded"]);
  }, 20_000);

});

describe("refused edits keep the running config", () => {
  test("gateway.mode remote (with a new token) -> skipped and logged; the running config and its token stay (§4.1)", async () => {
    const r = await start(base);
    r.write({ gateway: { ...base.gateway, port: r.gw.port, mode: "remote", auth: { mode: "token", token: "a-new-token-0123456789abcdef" } } });
    await waitFor(() => r.log().includes("current: remote"), 5_000);
    const line = r.log().split("\n").find((l) => l.includes("current: remote"))!;
    expect(JSON.parse(line).message).toBe(`config reload skipped (invalid config): ${r.path}: Gateway start blocked: set gateway.mode=local (current: remote) or pass --allow-unconfigured.`);
    const again = await connectClient({ url: `ws://127.0.0.1:${r.gw.port}`, token: TOKEN });
    expect((await again.client.request<any>("health")).ok).toBe(true);
    again.client.stop();
    expect(r.client.closes).toEqual([]);
  }, 20_000);

  test("a config over 2 MiB -> refused unread and logged; /health answers; the running config stays", async () => {
    const r = await start(base);
    r.write({ gateway: { ...base.gateway, port: r.gw.port, auth: { mode: "token", token: "a-new-token-0123456789abcdef" } }, padding: "x".repeat(3 * 1024 * 1024) });
    await waitFor(() => r.log().includes("config is too large"), 5_000);
    const line = r.log().split("\n").find((l) => l.includes("config is too large"))!;
    expect(JSON.parse(line).message).toBe(`config reload skipped (invalid config): ${r.path}: <root>: config is too large (3.0 MiB); clawgate reads configs up to 2 MiB`);
    expect((await fetch(`http://127.0.0.1:${r.gw.port}/health`)).status).toBe(200);
    expect((await r.client.client.request<any>("health")).ok).toBe(true);
    expect(r.client.closes).toEqual([]);
  }, 20_000);
});

describe("start refusals (exit 78, §4.1)", () => {
  async function runWith(config: string): Promise<{ code: number; stderr: string }> {
    const home = freshHome();
    cleanup.push(() => rmSync(home, { recursive: true, force: true }));
    mkdirSync(join(home, ".openclaw"), { mode: 0o700 });
    writeFileSync(join(home, ".openclaw", "openclaw.json"), config, { mode: 0o600 });
    return runCli(home, ["gateway", "run", "--port", "0"]);
  }

  test("gateway.mode remote -> exit 78 with upstream's text", async () => {
    const r = await runWith(JSON.stringify({ gateway: { ...base.gateway, mode: "remote" } }));
    expect(r.code).toBe(78);
    expect(r.stderr).toContain("Gateway start blocked: set gateway.mode=local (current: remote) or pass --allow-unconfigured.");
  }, 20_000);

  test("a config over 2 MiB -> exit 78 naming the size and the limit", async () => {
    const r = await runWith(JSON.stringify({ ...base, padding: "x".repeat(3 * 1024 * 1024) }));
    expect(r.code).toBe(78);
    expect(r.stderr).toContain("config is too large (3.0 MiB); clawgate reads configs up to 2 MiB");
  }, 20_000);
});
