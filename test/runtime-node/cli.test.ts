/**
 * The CLI on Node (dist/clawgate-node.mjs under Node >= 22.13): verbs that
 * call a gateway use Node's global WebSocket, `gateway start` re-runs Node
 * with the bundle, found through process.argv[1], as a pid-file background
 * process, and an older Node gets one line saying so, not a stack trace.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TEST_TOKEN } from "../harness/gateway.ts";
import { machineNode } from "../harness/node-runtime.ts";
import { runtimeCommand, startRuntimeGateway, type RuntimeGateway } from "../harness/runtimes.ts";

/** Runs `clawgate-node ...args` with HOME in `home`; resolves with its exit code and output. */
async function nodeCli(home: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith("OPENCLAW_")) env[k] = v;
  const proc = Bun.spawn([...(await runtimeCommand("node")), ...args], { env: { ...env, HOME: home, NO_COLOR: "1", CLAWGATE_SERVICE_MANAGER: "none" }, stdin: "ignore", stdout: "pipe", stderr: "pipe" });
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  return { code, stdout, stderr };
}

let home: string;
beforeAll(() => {
  home = mkdtempSync(join(tmpdir(), "clawgate-node-cli-"));
});
afterAll(() => rmSync(home, { recursive: true, force: true }));

describe("clawgate-node CLI", () => {
  let gw: RuntimeGateway;
  beforeAll(async () => {
    gw = await startRuntimeGateway("node");
  });
  afterAll(() => gw?.stop());

  test("gateway call health --json against a Node gateway -> exit 0 with the health payload", async () => {
    const r = await nodeCli(home, ["gateway", "call", "health", "--json", "--url", gw.url, "--token", TEST_TOKEN]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: true });
  });

  test("wrong token -> exit 1 with the gateway's AUTH_TOKEN_MISMATCH error", async () => {
    const r = await nodeCli(home, ["gateway", "call", "health", "--json", "--url", gw.url, "--token", "not-the-token"]);
    expect(r.code).toBe(1);
    expect(r.stdout + r.stderr).toContain("AUTH_TOKEN_MISMATCH");
  });

  test("the verb table on Node: cron add/list against a Node gateway; --port 99999 -> upstream's text", async () => {
    const target = ["--url", gw.url, "--token", TEST_TOKEN];
    const added = await nodeCli(home, ["cron", "add", "--name", "node-job", "--every", "5m", "--system-event", "tick", ...target]);
    expect(added.code).toBe(0);
    const { id } = JSON.parse(added.stdout);
    const listed = await nodeCli(home, ["cron", "list", "--json", ...target]);
    expect(JSON.parse(listed.stdout).jobs.map((j: { id: string }) => j.id)).toContain(id);
    expect(await nodeCli(home, ["cron", "list", "--port", "99999"])).toEqual({ code: 1, stdout: "", stderr: "error Invalid --port. Use a port number from 1 to 65535, for example 18789.\nTry: clawgate cron list --help\n" });
  });
});

test("gateway discover --json browses on Node too -> exit 0 with upstream's shape", async () => {
  const r = await nodeCli(home, ["gateway", "discover", "--json", "--timeout", "300"]);
  expect(r.code).toBe(0);
  expect(JSON.parse(r.stdout)).toMatchObject({ timeoutMs: 300, domains: ["local."], beacons: expect.any(Array) });
});

test("gateway start -> a background Node gateway answering /health; gateway stop ends it", async () => {
  const started = await nodeCli(home, ["gateway", "start", "--port", "0", "--json"]);
  try {
    expect(started.code).toBe(0);
    const start = JSON.parse(started.stdout);
    expect(start).toMatchObject({ ok: true, action: "start", result: "started", manager: "pid-file" });
    const status = JSON.parse((await nodeCli(home, ["gateway", "status", "--json"])).stdout);
    expect(status.cli.entrypoint).toEndWith("dist/clawgate-node.mjs");
    const health = JSON.parse((await nodeCli(home, ["gateway", "call", "health", "--json"])).stdout);
    expect(health.ok).toBe(true);
  } finally {
    const stopped = await nodeCli(home, ["gateway", "stop", "--json"]);
    expect(JSON.parse(stopped.stdout)).toMatchObject({ ok: true, action: "stop" });
  }
}, 30_000);

// The machine's own node when it is too old for the shim (Node 20 here and on CI); a newer one has nothing to refuse.
const oldNode = machineNode() ? undefined : Bun.which("node");
if (!oldNode) console.warn("skipping the too-old-Node test: the machine's node can run clawgate-node");

test.skipIf(!oldNode)("the bundle on a Node older than 22.13 -> exit 1 and one line naming the version and the fix", async () => {
  const [, bundle] = await runtimeCommand("node");
  const version = Bun.spawnSync([oldNode!, "-p", "process.versions.node"]).stdout.toString().trim();
  const proc = Bun.spawn([oldNode!, bundle!, "gateway", "run", "--port", "0"], { env: { PATH: process.env.PATH ?? "", HOME: home }, stdin: "ignore", stdout: "pipe", stderr: "pipe" });
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  expect(code).toBe(1);
  expect(stdout).toBe("");
  expect(stderr).toBe(`clawgate-node: Node ${version} is too old: clawgate-node needs Node >= 22.13.0 (node:sqlite). Install Node 22.13+ or 24 (e.g. \`nvm install 24\`), or run the gateway on Bun: \`npm start\` / \`npx clawgate gateway run\`.\n`);
});
