/**
 * The real `openclaw@2026.9.6` CLI against clawgate (spec §0.14, §12).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startTestGateway, TEST_TOKEN, type TestGateway } from "../harness/gateway.ts";
import { CLI_CALL_TIMEOUT_MS, openclaw, openclawCliAvailable, SKIP_MESSAGE } from "../harness/openclaw-cli.ts";
import { skipWithout } from "../harness/capability.ts";

const skip = skipWithout(openclawCliAvailable(), "openclaw CLI interop", SKIP_MESSAGE);

describe.skipIf(skip)("openclaw CLI against clawgate", () => {
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

  for (const method of ["health", "status", "system-presence"]) {
    test(`openclaw gateway call ${method} --json -> exit 0 with the payload`, async () => {
      const res = await openclaw(["gateway", "call", method, "--url", gw.url, "--token", TEST_TOKEN, "--json"], home);
      expect(res.code).toBe(0);
      const payload = JSON.parse(res.stdout);
      if (method === "health") expect(payload.ok).toBe(true);
      if (method === "status") expect(payload.runtimeVersion).toBe("2026.9.6");
      if (method === "system-presence") expect(payload[0].reason).toBe("self");
    }, CLI_CALL_TIMEOUT_MS);
  }

  test("openclaw gateway call with a wrong token -> exit 1, AUTH_TOKEN_MISMATCH", async () => {
    const res = await openclaw(["gateway", "call", "health", "--url", gw.url, "--token", "wrong-token", "--json"], home);
    expect(res.code).toBe(1);
    expect(res.stdout + res.stderr).toContain("gateway token mismatch");
  }, CLI_CALL_TIMEOUT_MS);

  test("openclaw gateway probe --json reports clawgate reachable", async () => {
    const res = await openclaw(["gateway", "probe", "--url", gw.url, "--token", TEST_TOKEN, "--json"], home);
    expect(res.code).toBe(0);
    const report = JSON.parse(res.stdout);
    expect(report.ok).toBe(true);
    const target = report.targets.find((t: any) => t.url === gw.url);
    expect(target.connect.ok).toBe(true);
    expect(target.server.version).toBe("2026.9.6");
  }, CLI_CALL_TIMEOUT_MS);
});
