/**
 * The real `openclaw agent` command (openclaw@2026.9.6) runs turns through
 * clawgate's `agent` method (spec §6: accepted, then the final result on the
 * same request id) and prints the reply, as JSON and as text.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startTestGateway, TEST_TOKEN, type TestGateway } from "../harness/gateway.ts";
import { openclaw, openclawCliAvailable, SKIP_MESSAGE } from "../harness/openclaw-cli.ts";

const available = openclawCliAvailable();
if (!available) console.warn(`skipping openclaw agent interop: ${SKIP_MESSAGE}`);

describe.skipIf(!available)("openclaw agent against clawgate", () => {
  let gw: TestGateway;
  let home: string;
  beforeAll(async () => {
    gw = await startTestGateway();
    home = mkdtempSync(join(tmpdir(), "openclaw-home-"));
    mkdirSync(join(home, ".openclaw"), { recursive: true, mode: 0o700 });
    writeFileSync(join(home, ".openclaw", "openclaw.json"), JSON.stringify({ gateway: { mode: "local", port: gw.port, auth: { mode: "token", token: TEST_TOKEN } } }), { mode: 0o600 });
  });
  afterAll(async () => {
    await gw.stop();
    rmSync(home, { recursive: true, force: true });
  });

  test("openclaw agent --message ... --json -> exit 0 with the final result", async () => {
    const res = await openclaw(["agent", "--message", "my name is Rin", "--json"], home);
    expect(res.code).toBe(0);
    const out = JSON.parse(res.stdout);
    expect(out).toMatchObject({ status: "ok", summary: "completed", result: { meta: { agentMeta: { provider: "clawgate", model: "embedded" } } } });
    expect(out.result.payloads[0].text).toStartWith("Nice to meet you, Rin.");
  }, 30_000);

  test("a second turn in the main session keeps the context; plain output is the reply text", async () => {
    const res = await openclaw(["agent", "--message", "what is my name?", "--agent", "main"], home);
    expect(res.code).toBe(0);
    expect(res.stdout.trim()).toStartWith("Your name is Rin.");
    const history = gw.store.listSessions().find((s) => s.key === "agent:main:main")!;
    expect(gw.store.lastMessageSeq(history.sessionId)).toBe(4);
  }, 30_000);
});
