/**
 * `npm start`'s gateway: the CLI bundled and split into chunks
 * (runtime-bun/bundle.ts), bundled here into a temp dir and run as a child
 * process on a fresh HOME: it creates the config with a token, serves
 * /health, admits the reference client with that token, and stops on
 * SIGTERM with exit 0.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bundleCli } from "../../runtime-bun/bundle.ts";
import { freshHome, spawnGateway } from "../harness/process.ts";
import { connectClient } from "../harness/reference-client.ts";

let dir: string;
let bundle: string;
let home: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "clawgate-bundle-"));
  bundle = await bundleCli(join(dir, "bun"));
  home = freshHome();
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  rmSync(home, { recursive: true, force: true });
});

test("first run on a fresh HOME: config with a token, /health 200, the reference client connects, SIGTERM exits 0", async () => {
  const gw = await spawnGateway(home, ["--port", "0"], {}, [process.execPath, bundle]);
  try {
    expect(gw.stderr()).toContain(`created ${join(home, ".openclaw", "openclaw.json")}`);
    const health = await fetch(`http://127.0.0.1:${gw.port}/health`);
    expect(health.status).toBe(200);
    const token = JSON.parse(readFileSync(join(home, ".openclaw", "openclaw.json"), "utf8")).gateway.auth.token;
    const { client, hello } = await connectClient({ url: gw.url, token });
    expect(hello.auth.role).toBe("operator");
    client.stop();
  } finally {
    gw.proc.kill("SIGTERM");
  }
  expect(await gw.proc.exited).toBe(0);
});
