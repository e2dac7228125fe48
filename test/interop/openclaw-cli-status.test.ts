/**
 * The real `openclaw@2026.9.6` CLI's `gateway status --json` and
 * `gateway probe --json` against clawgate (spec §12): both must report it
 * reachable. Skips, saying so, when the CLI cache is absent.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startTestGateway, TEST_TOKEN, type TestGateway } from "../harness/gateway.ts";
import { openclaw, openclawCliAvailable, SKIP_MESSAGE } from "../harness/openclaw-cli.ts";

const available = openclawCliAvailable();
if (!available) console.warn(`skipping openclaw gateway status/probe interop: ${SKIP_MESSAGE}`);

describe.skipIf(!available)("real openclaw gateway status/probe against clawgate", () => {
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
  }, 60_000);

  test("openclaw gateway status --json --require-rpc -> a read probe that succeeds", async () => {
    const res = await openclaw(["gateway", "status", "--json", "--require-rpc", "--url", gw.url, "--token", TEST_TOKEN], home);
    expect(res.code).toBe(0);
    expect(JSON.parse(res.stdout).rpc).toMatchObject({ ok: true, kind: "read" });
  }, 60_000);

  test("openclaw gateway probe --json -> ok, the explicit target connected", async () => {
    const res = await openclaw(["gateway", "probe", "--json", "--url", gw.url, "--token", TEST_TOKEN], home);
    expect(res.code).toBe(0);
    const report = JSON.parse(res.stdout);
    expect(report.ok).toBe(true);
    expect(report.primaryTargetId).toBe("explicit");
    expect(report.targets.find((t: any) => t.id === "explicit")).toMatchObject({ url: gw.url, connect: { ok: true }, server: { version: "2026.9.6" } });
  }, 60_000);
});
