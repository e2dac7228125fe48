/**
 * A provider endpoint that refuses connections (issue 12): the turn fails at
 * once with upstream's "LLM request failed: connection refused by the provider
 * endpoint." (not "timed out"), and the gateway's log says which provider failed.
 * A real gateway child process, a real closed port, the real log file.
 */
import { afterEach, expect, test } from "bun:test";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { freshHome, runCli, spawnGateway, type ChildGateway } from "../harness/process.ts";

let home = "";
let gateway: ChildGateway | undefined;
afterEach(async () => {
  gateway?.proc.kill("SIGTERM");
  await gateway?.proc.exited;
  rmSync(home, { recursive: true, force: true });
});

test("provider port closed -> 'connection refused by the provider endpoint' in the reply and a warn record in the log", async () => {
  const closed = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response() });
  const port = closed.port;
  closed.stop(true);
  home = freshHome();
  mkdirSync(join(home, ".openclaw"), { mode: 0o700 });
  const logFile = join(home, "gateway.log");
  writeFileSync(join(home, ".openclaw", "openclaw.json"), JSON.stringify({
    gateway: { mode: "local", auth: { mode: "token", token: "tok-provider-1" } },
    logging: { file: logFile },
    models: { providers: { local: { baseUrl: `http://127.0.0.1:${port}/v1`, models: ["m"] } } },
    agents: { defaults: { model: { primary: "local/m" } } },
  }));
  gateway = await spawnGateway(home);
  const call = await runCli(home, ["gateway", "call", "agent", "--expect-final", "--json", "--params", JSON.stringify({ message: "hi", idempotencyKey: "refused-1" })]);
  const reply = JSON.stringify(JSON.parse(call.stdout));
  expect(reply).toContain("LLM request failed: connection refused by the provider endpoint.");
  expect(reply).not.toContain("timed out");
  const g = gateway;
  const record = await (async () => {
    for (;;) {
      const line = readFileSync(logFile, "utf8").split("\n").find((l) => l.includes("model request failed"));
      if (line) return JSON.parse(line);
      if (g.proc.exitCode !== null) return undefined;
      await Bun.sleep(20);
    }
  })();
  expect(record).toMatchObject({ level: "warn" });
  expect(JSON.stringify(record)).toContain("connection refused by the provider endpoint");
  expect(JSON.stringify(record)).toContain('"provider":"local"');
}, 30_000);
