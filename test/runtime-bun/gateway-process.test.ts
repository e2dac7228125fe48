/**
 * The gateway as a user runs it: a child process from the CLI (spec §4.1,
 * §7 shutdown, §12 exit codes).
 */
import { afterEach, describe, expect, test } from "bun:test";
import { rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { connectClient, waitFor } from "../harness/reference-client.ts";
import { freshHome, runCli, spawnGateway, type ChildGateway } from "../harness/process.ts";

const FAULTY_CLI = join(import.meta.dir, "../harness/faulty-cli.ts");

const cleanup: (() => void)[] = [];
afterEach(() => {
  for (const fn of cleanup.splice(0)) fn();
});

function track(home: string, child?: ChildGateway): void {
  cleanup.push(() => {
    child?.proc.kill("SIGKILL");
    rmSync(home, { recursive: true, force: true });
  });
}

describe("first run", () => {
  test("no config -> creates ~/.openclaw/openclaw.json (0600 in 0700) with a token; the local CLI finds it", async () => {
    const home = freshHome();
    const child = await spawnGateway(home);
    track(home, child);
    const configPath = join(home, ".openclaw", "openclaw.json");
    expect(statSync(configPath).mode & 0o777).toBe(0o600);
    expect(statSync(join(home, ".openclaw")).mode & 0o777).toBe(0o700);
    const config = JSON.parse(await Bun.file(configPath).text());
    expect(config.gateway.auth.token).toMatch(/^[0-9a-f]{48}$/);
    const call = await runCli(home, ["gateway", "call", "status", "--port", String(child.port), "--json"]);
    expect(call.code).toBe(0);
    expect(JSON.parse(call.stdout).runtimeVersion).toBe("2026.9.6");
    // The token itself is never printed or logged.
    const log = await Bun.file(join(home, ".openclaw", "logs", "gateway.log")).text();
    expect(log).not.toContain(config.gateway.auth.token);
    expect(child.stdout()).not.toContain(config.gateway.auth.token);
  });
});

describe("shutdown (§7, §12)", () => {
  test("SIGTERM -> shutdown event, close 1012 service restart, exit 0", async () => {
    const home = freshHome();
    const child = await spawnGateway(home, ["--port", "0", "--token", "shutdown-test-token"]);
    track(home, child);
    const { events, closes } = await connectClient({ url: `ws://127.0.0.1:${child.port}`, token: "shutdown-test-token" });
    child.proc.kill("SIGTERM");
    expect(await child.proc.exited).toBe(0);
    await waitFor(() => closes.length > 0);
    expect(events.find((e) => e.event === "shutdown")?.payload).toEqual({ reason: "gateway stopping" });
    expect(closes[0]).toEqual({ code: 1012, reason: "service restart" });
  });
});

describe("faults inside the process (issue 2: contained, never fatal)", () => {
  test("an unhandled rejection and an uncaught exception are logged as contained; the gateway keeps serving", async () => {
    const home = freshHome();
    const child = await spawnGateway(home, ["--port", "0"], {}, [process.execPath, FAULTY_CLI]);
    track(home, child);
    await waitFor(() => child.stdout().includes("faults injected"));
    expect(child.proc.exitCode).toBeNull();
    expect((await fetch(`http://127.0.0.1:${child.port}/health`)).status).toBe(200);
    const token = JSON.parse(await Bun.file(join(home, ".openclaw", "openclaw.json")).text()).gateway.auth.token;
    const { client } = await connectClient({ url: child.url, token });
    expect(await client.request("health", {})).toMatchObject({ ok: true });
    client.stop();
    const records = (await Bun.file(join(home, ".openclaw", "logs", "gateway.log")).text()).trim().split("\n").map((l) => JSON.parse(l));
    expect(records).toContainEqual(expect.objectContaining({ level: "error", message: "unhandled rejection (contained)", reason: "Error: injected rejection" }));
    expect(records.find((r) => r.message === "uncaught exception (contained)")?.error).toContain("injected exception");
    child.proc.kill("SIGTERM");
    expect(await child.proc.exited).toBe(0);
  });
});

describe("startup refusals (§4.1)", () => {
  test("non-loopback bind without auth -> exit 78 with upstream's message", async () => {
    const home = freshHome();
    track(home);
    const res = await runCli(home, ["gateway", "run", "--port", "0", "--bind", "lan", "--auth", "none"]);
    expect(res.code).toBe(78);
    expect(res.stderr).toContain("Refusing to bind gateway to lan without auth.");
  });

  test("a placeholder token -> exit 78", async () => {
    const home = freshHome();
    track(home);
    const res = await runCli(home, ["gateway", "run", "--port", "0", "--token", "change-me-now"]);
    expect(res.code).toBe(78);
  });
});

describe("gateway call exit codes (§12)", () => {
  test("unreachable gateway -> exit 1 and a transport error object", async () => {
    const home = freshHome();
    track(home);
    const res = await runCli(home, ["gateway", "call", "health", "--url", "ws://127.0.0.1:9", "--token", "t", "--json"]);
    expect(res.code).toBe(1);
    expect(JSON.parse(res.stdout).error).toMatchObject({ type: "gateway_transport_error", kind: "closed" });
  });
});
