/**
 * The gateway as a background process when no service manager drives it:
 * started detached (its own process group, output to a console log), known by
 * the lock file it writes, stopped with SIGTERM (graceful: `shutdown` event,
 * close 1012) and SIGKILL only after a grace period.
 */
import { spawn } from "node:child_process";
import { closeSync, openSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { ensurePrivateDir } from "../state.ts";
import { isLive, readLock, type LockRecord } from "./lock.ts";
import { healthy, stopProcess } from "./process-info.ts";

const START_TIMEOUT_MS = 20_000;
const POLL_MS = 50;

/** How to run this clawgate again: the compiled binary itself, or the runtime (Bun or Node) plus the entry script. */
export function selfCommand(): string[] {
  // argv[1] is the entry script; in a Bun-compiled binary it is the embedded one, inside Bun's virtual filesystem.
  const entry = process.argv[1] ?? "";
  const compiled = entry.startsWith("/$bunfs/") || entry.startsWith("B:/~BUN/");
  return compiled ? [process.execPath] : [process.execPath, entry];
}

/** Where a background gateway's stdout/stderr go. */
export function consoleLogPath(stateDir: string): string {
  return join(stateDir, "logs", "gateway-console.log");
}

export type StartResult = { ok: true; record: LockRecord; already: boolean } | { ok: false; code: number | null; output: string };

/**
 * Starts `gateway run ...args` detached and waits until it holds the lock and
 * answers `/health`; reports its exit code and output when it fails first.
 */
export async function startBackground(stateDir: string, args: string[], env: Record<string, string | undefined>): Promise<StartResult> {
  const existing = readLock(stateDir);
  if (existing && isLive(existing)) return { ok: true, record: existing, already: true };
  const logPath = consoleLogPath(stateDir);
  ensurePrivateDir(join(stateDir, "logs"));
  const out = openSync(logPath, "a", 0o600);
  const startOffset = (() => {
    try {
      return readFileSync(logPath).byteLength;
    } catch {
      return 0;
    }
  })();
  let exitCode: number | null | undefined;
  const child = spawn(selfCommand()[0]!, [...selfCommand().slice(1), "gateway", "run", ...args], { detached: true, stdio: ["ignore", out, out], env });
  closeSync(out);
  child.on("exit", (code) => (exitCode = code));
  child.unref();
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (exitCode !== undefined) break;
    const record = readLock(stateDir);
    if (record && record.pid === child.pid && record.port !== undefined && (await healthy(record.port))) return { ok: true, record, already: false };
    await sleep(POLL_MS);
  }
  const output = readFileSync(logPath).subarray(startOffset).toString("utf8");
  if (exitCode === undefined && child.pid !== undefined) await stopProcess(child.pid);
  return { ok: false, code: exitCode ?? null, output };
}
