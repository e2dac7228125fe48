/**
 * Runs the real `clawgate` CLI as a child process with a throwaway state dir
 * and no colour, and collects its output and exit code.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const ENTRY = join(import.meta.dir, "..", "..", "runtime-bun", "bin", "clawgate.ts");

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** `clawgate ...args`; the state dir is empty unless given, so only flags can point it at a gateway. */
export async function runCli(args: string[], env: Record<string, string> = {}): Promise<CliRun> {
  const stateDir = mkdtempSync(join(tmpdir(), "clawgate-cli-"));
  try {
    const proc = Bun.spawn([process.execPath, ENTRY, ...args], {
      env: { ...process.env, OPENCLAW_STATE_DIR: stateDir, NO_COLOR: "1", ...env },
      stdout: "pipe",
      stderr: "pipe",
    });
    const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
    return { code, stdout, stderr };
  } finally {
    rmSync(stateDir, { recursive: true, force: true });
  }
}
