/**
 * Runs the real `clawgate` CLI as a child process with an isolated HOME and
 * state dir, and learns the port from its "listening on port N" line.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Subprocess } from "bun";

export const CLI = join(import.meta.dir, "../../runtime-bun/bin/clawgate.ts");

/** A fresh HOME whose ~/.openclaw does not exist yet. */
export function freshHome(): string {
  return mkdtempSync(join(tmpdir(), "clawgate-home-"));
}

/** Environment for a child: the parent's, minus anything OpenClaw reads, plus `extra`. */
export function childEnv(home: string, extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith("OPENCLAW_")) env[k] = v;
  return { ...env, HOME: home, NO_COLOR: "1", ...extra };
}

export interface ChildGateway {
  proc: Subprocess<"ignore", "pipe", "pipe">;
  port: number;
  url: string;
  /** Everything the child wrote so far; both pipes are drained continuously so it never blocks. */
  stdout(): string;
  stderr(): string;
}

/** Appends everything a pipe delivers to `sink`, until it closes. */
async function drain(stream: ReadableStream<Uint8Array>, sink: (text: string) => void): Promise<void> {
  const decoder = new TextDecoder();
  const reader = stream.getReader();
  for (let r = await reader.read(); !r.done; r = await reader.read()) sink(decoder.decode(r.value, { stream: true }));
}

/** Starts `clawgate gateway run ...args` and resolves once it listens. */
export async function spawnGateway(home: string, args: string[] = ["--port", "0"], extraEnv: Record<string, string> = {}): Promise<ChildGateway> {
  const proc = Bun.spawn([process.execPath, CLI, "gateway", "run", ...args], { env: childEnv(home, extraEnv), stdin: "ignore", stdout: "pipe", stderr: "pipe" });
  let out = "";
  let err = "";
  void drain(proc.stderr, (t) => (err += t));
  const stdoutDone = drain(proc.stdout, (t) => (out += t));
  const deadline = Date.now() + 10_000;
  let port: number | undefined;
  while (port === undefined) {
    const m = /listening on port (\d+)/.exec(out);
    if (m) port = Number(m[1]);
    else if (proc.exitCode !== null || Date.now() > deadline) {
      await Promise.race([stdoutDone, Bun.sleep(100)]);
      proc.kill("SIGKILL");
      throw new Error(`gateway did not start (exit ${proc.exitCode}):\n${out}\n${err}`);
    } else await Bun.sleep(5);
  }
  return { proc, port, url: `ws://127.0.0.1:${port}`, stdout: () => out, stderr: () => err };
}

/** A gateway whose HOME and state dir are both `stateDir`, so it can be killed and restarted on the same files. */
export function spawnGatewayOn(stateDir: string): Promise<ChildGateway> {
  return spawnGateway(stateDir, ["--port", "0"], { OPENCLAW_STATE_DIR: stateDir });
}

/** Runs one CLI command to completion with `home` as HOME. */
export async function runCli(home: string, args: string[], extraEnv: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const proc = Bun.spawn([process.execPath, CLI, ...args], { env: childEnv(home, extraEnv), stdin: "ignore", stdout: "pipe", stderr: "pipe" });
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  return { code, stdout, stderr };
}

/** Runs one CLI command with a throwaway HOME, so only flags can point it at a gateway. */
export async function runCliIsolated(args: string[], extraEnv: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const home = freshHome();
  try {
    return await runCli(home, args, extraEnv);
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}
