/**
 * The `clawgate` bin, which `npm start` runs too (issue 12): this checkout
 * compiled for this machine (dist/host/clawgate), compiled on first use in a
 * fresh checkout and again when a source is newer, never the TypeScript
 * entry. Driven on a copy of the sources (so the repo's own dist/ is
 * untouched) as real child processes.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { freshHome, spawnGateway } from "../harness/process.ts";
import { connectClient } from "../harness/reference-client.ts";

const REPO = resolve(import.meta.dir, "../..");
const SOURCES = ["core", "runtime-bun", "package.json", "package-lock.json"];
let root: string;
let home: string;
let bin: string;
let exe: string;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), "clawgate-bin-"));
  for (const part of SOURCES) cpSync(join(REPO, part), join(root, part), { recursive: true });
  symlinkSync(join(REPO, "node_modules"), join(root, "node_modules"));
  bin = join(root, "runtime-bun", "bin", "clawgate");
  exe = join(root, "dist", "host", "clawgate");
  home = freshHome();
});

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
  rmSync(home, { recursive: true, force: true });
});

async function run(command: string, args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const proc = Bun.spawn([command, ...args], { env: { ...process.env, HOME: home, NO_COLOR: "1", CLAWGATE_SERVICE_MANAGER: "none", ...env }, stdout: "pipe", stderr: "pipe" });
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  return { code, stdout, stderr };
}

test("package.json: the bin and npm start both run runtime-bun/bin/clawgate", () => {
  const pkg = JSON.parse(readFileSync(join(REPO, "package.json"), "utf8"));
  expect(pkg.bin.clawgate).toBe("runtime-bun/bin/clawgate");
  expect(pkg.scripts.start).toBe("runtime-bun/bin/clawgate gateway run");
});

test("fresh checkout: the bin compiles this machine's binary and serves from it; the reference client connects; `gateway stop` knows it as clawgate", async () => {
  expect(existsSync(exe)).toBe(false);
  // Through a symlink, as npm links a package's bin into node_modules/.bin.
  const linked = join(root, "linked-clawgate");
  symlinkSync(bin, linked);
  const gw = await spawnGateway(home, ["--port", "0"], {}, [linked]);
  try {
    expect(gw.stderr()).toContain("compiling for this machine");
    expect(existsSync(exe)).toBe(true);
    // The gateway is the compiled binary itself, not a shell or a Bun running a script.
    expect(readFileSync(`/proc/${gw.proc.pid}/cmdline`, "utf8").split("\0")[0]).toBe(exe);
    expect((await fetch(`http://127.0.0.1:${gw.port}/health`)).status).toBe(200);
    const token = JSON.parse(readFileSync(join(home, ".openclaw", "openclaw.json"), "utf8")).gateway.auth.token;
    const { client, hello } = await connectClient({ url: gw.url, token });
    expect(hello.auth.role).toBe("operator");
    client.stop();
    // The pid file names this process; stop must recognise it as a clawgate gateway, not a stale entry.
    const stop = await run(bin, ["gateway", "stop"]);
    expect(stop.code).toBe(0);
    expect(await gw.proc.exited).toBe(0);
  } finally {
    gw.proc.kill("SIGTERM");
  }
}, 60_000);

test("a current binary is what runs; a newer source file recompiles it first", async () => {
  mkdirSync(join(root, "dist", "host"), { recursive: true });
  // Stand-in executable, newer than every source: the bin must run it as is.
  writeFileSync(exe, '#!/bin/sh\necho "stand-in ran $*"\n');
  chmodSync(exe, 0o755);
  expect((await run(bin, ["--version"])).stdout).toBe("stand-in ran --version\n");
  // Edit a source (its mtime moves past the binary's): the next start compiles first.
  const future = new Date(Date.now() + 60_000);
  utimesSync(join(root, "runtime-bun", "host", "version.ts"), future, future);
  const rebuilt = await run(bin, ["--version"]);
  expect(rebuilt.code).toBe(0);
  expect(rebuilt.stdout).toMatch(/^clawgate \d+\.\d+\.\d+\n$/);
  expect(readFileSync(exe).subarray(0, 4)).toEqual(Buffer.from([0x7f, 0x45, 0x4c, 0x46]));
}, 60_000);

test("no Bun to compile with -> says how to get it, exit 1, nothing built", async () => {
  const bare = mkdtempSync(join(tmpdir(), "clawgate-bin-bare-"));
  try {
    for (const part of SOURCES) cpSync(join(REPO, part), join(bare, part), { recursive: true });
    const result = await run(join(bare, "runtime-bun", "bin", "clawgate"), ["--version"], { PATH: "/usr/bin:/bin" });
    expect(result).toEqual({ code: 1, stdout: "", stderr: `clawgate: Bun is needed to compile clawgate for this machine; run \`npm ci\` in ${bare}\n` });
    expect(existsSync(join(bare, "dist"))).toBe(false);
  } finally {
    rmSync(bare, { recursive: true, force: true });
  }
});
