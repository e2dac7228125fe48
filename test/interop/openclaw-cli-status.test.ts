/**
 * The real `openclaw@2026.9.6` CLI's `gateway status --json` and
 * `gateway probe --json` against clawgate (spec §12): both must report it
 * reachable; and the everyday `openclaw status` and `openclaw health`, which
 * render the gateway's `status` and `health` payloads field by field.
 * Skips, saying so, when the CLI cache is absent.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startTestGateway, TEST_TOKEN, type TestGateway } from "../harness/gateway.ts";
import { CLI_CALL_TIMEOUT_MS, openclaw, openclawCliAvailable, SKIP_MESSAGE } from "../harness/openclaw-cli.ts";
import { skipWithout } from "../harness/capability.ts";

const skip = skipWithout(openclawCliAvailable(), "openclaw gateway status/probe interop", SKIP_MESSAGE);

describe.skipIf(skip)("real openclaw gateway status/probe against clawgate", () => {
  let gw: TestGateway;
  let home: string;
  beforeAll(async () => {
    gw = await startTestGateway();
    home = mkdtempSync(join(tmpdir(), "openclaw-home-"));
  });
  afterAll(async () => {
    await gw.stop();
    rmSync(home, { recursive: true, force: true });
  });

  test("openclaw gateway status --json --url --token -> rpc ok, clawgate's version and url", async () => {
    const res = await openclaw(["gateway", "status", "--json", "--url", gw.url, "--token", TEST_TOKEN], home);
    expect(res.code).toBe(0);
    const report = JSON.parse(res.stdout);
    expect(report.rpc).toMatchObject({ ok: true, url: gw.url, version: "2026.9.6", server: { version: "2026.9.6", buildId: "clawgate-test" } });
    expect(report.gateway.version).toBe("2026.9.6");
  }, CLI_CALL_TIMEOUT_MS);

  test("openclaw gateway status --json --require-rpc -> a read probe that succeeds", async () => {
    const res = await openclaw(["gateway", "status", "--json", "--require-rpc", "--url", gw.url, "--token", TEST_TOKEN], home);
    expect(res.code).toBe(0);
    expect(JSON.parse(res.stdout).rpc).toMatchObject({ ok: true, kind: "read" });
  }, CLI_CALL_TIMEOUT_MS);

  test("openclaw gateway probe --json -> ok, the explicit target connected", async () => {
    const res = await openclaw(["gateway", "probe", "--json", "--url", gw.url, "--token", TEST_TOKEN], home);
    expect(res.code).toBe(0);
    const report = JSON.parse(res.stdout);
    expect(report.ok).toBe(true);
    expect(report.primaryTargetId).toBe("explicit");
    expect(report.targets.find((t: any) => t.id === "explicit")).toMatchObject({ url: gw.url, connect: { ok: true }, server: { version: "2026.9.6" } });
  }, CLI_CALL_TIMEOUT_MS);

  describe("with a CLI config that points at clawgate", () => {
    let local: string;
    beforeAll(() => {
      local = mkdtempSync(join(tmpdir(), "openclaw-local-"));
      mkdirSync(join(local, ".openclaw"));
      writeFileSync(join(local, ".openclaw", "openclaw.json"), JSON.stringify({ gateway: { mode: "local", port: gw.port, auth: { mode: "token", token: TEST_TOKEN } } }));
    });
    afterAll(() => rmSync(local, { recursive: true, force: true }));

    test("openclaw status -> exit 0; the overview shows the gateway reachable and clawgate's heartbeat", async () => {
      const res = await openclaw(["status"], local);
      expect(res.code).toBe(0);
      expect(res.stdout).toContain(`ws://127.0.0.1:${gw.port} (local loopback) · reachable`);
      expect(res.stdout).toMatch(/Heartbeat\s+│ 30m \(main; waiting for delivery route/);
      expect(res.stdout).toMatch(/Tasks\s+│ none/);
    }, 90_000);

    test("openclaw health -> exit 0 with the event loop, agents, heartbeat and session store lines", async () => {
      const res = await openclaw(["health"], local);
      expect(res.code).toBe(0);
      expect(res.stdout).toMatch(/^Gateway event loop: ok max=\d+ms p99=\d+ms util=[\d.]+ cpu=[\d.]+$/m);
      expect(res.stdout).toContain("Agents: main (default)");
      expect(res.stdout).toContain("Heartbeat interval: 30m (main)");
      expect(res.stdout).toContain(`Session store (main): ${join(gw.dir, "state", "clawgate.sqlite")} (0 entries)`);
    }, 90_000);
  });
});
