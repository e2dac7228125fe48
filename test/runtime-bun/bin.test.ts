/**
 * The `clawgate` bin runs what `npm start` runs (issue 12): the bundled CLI in
 * dist/bun, built on first use in a fresh checkout and rebuilt when a source
 * is newer, never the TypeScript entry. Driven on a copy of the sources (so
 * the repo's own dist/ is untouched) as real child processes.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { freshHome, spawnGateway } from "../harness/process.ts";

const REPO = resolve(import.meta.dir, "../..");
let root: string;
let home: string;
let bin: string;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), "clawgate-bin-"));
  for (const part of ["core", "runtime-bun", "package.json", "package-lock.json"]) cpSync(join(REPO, part), join(root, part), { recursive: true });
  symlinkSync(join(REPO, "node_modules"), join(root, "node_modules"));
  bin = join(root, "runtime-bun", "bin", "clawgate-bundle.ts");
  home = freshHome();
});

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
  rmSync(home, { recursive: true, force: true });
});

async function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const proc = Bun.spawn([process.execPath, bin, ...args], { env: { ...process.env, HOME: home, NO_COLOR: "1", CLAWGATE_SERVICE_MANAGER: "none" }, stdout: "pipe", stderr: "pipe" });
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  return { code, stdout, stderr };
}

test("package.json: the bin and npm start both run runtime-bun/bin/clawgate-bundle.ts", () => {
  const pkg = JSON.parse(readFileSync(join(REPO, "package.json"), "utf8"));
  expect(pkg.bin.clawgate).toBe("runtime-bun/bin/clawgate-bundle.ts");
  expect(pkg.scripts.start).toBe("bun runtime-bun/bin/clawgate-bundle.ts gateway run");
});

test("fresh checkout: no dist/bun -> the bin builds the bundle and serves from it; `gateway stop` knows it as clawgate", async () => {
  const entry = join(root, "dist", "bun", "clawgate.js");
  expect(existsSync(entry)).toBe(false);
  const gw = await spawnGateway(home, ["--port", "0"], {}, [process.execPath, bin]);
  try {
    expect(existsSync(entry)).toBe(true);
    expect((await fetch(`http://127.0.0.1:${gw.port}/health`)).status).toBe(200);
    // The pid file names this process; stop must recognise it as a clawgate gateway, not a stale entry.
    const stop = await run(["gateway", "stop"]);
    expect(stop.code).toBe(0);
    expect(await gw.proc.exited).toBe(0);
  } finally {
    gw.proc.kill("SIGTERM");
  }
}, 60_000);

test("a current bundle is what runs; a newer source file rebuilds it first", async () => {
  const entry = join(root, "dist", "bun", "clawgate.js");
  // Stand-in bundle, newer than every source: the bin must run it as is.
  writeFileSync(entry, 'process.stdout.write("stand-in bundle ran\\n");\n');
  expect((await run(["--version"])).stdout).toBe("stand-in bundle ran\n");
  // Edit a source (its mtime moves past the bundle's): the next start rebuilds.
  const future = new Date(Date.now() + 60_000);
  utimesSync(join(root, "runtime-bun", "host", "version.ts"), future, future);
  const rebuilt = await run(["--version"]);
  expect(rebuilt.code).toBe(0);
  expect(rebuilt.stdout).toMatch(/^clawgate \d+\.\d+\.\d+/);
  expect(readFileSync(entry, "utf8")).not.toContain("stand-in");
}, 60_000);
