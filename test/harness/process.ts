/**
 * Runs the real `clawgate` CLI as a child process with an isolated HOME and
 * state dir, and learns the port from its "listening on port N" line.
 */
import { mkdtempSync } from "node:fs";
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
  stdout(): string;
  stderr(): Promise<string>;
}

/** Starts `clawgate gateway run ...args` and resolves once it listens. */
export async function spawnGateway(home: string, args: string[] = ["--port", "0"], extraEnv: Record<string, string> = {}): Promise<ChildGateway> {
  const proc = Bun.spawn([process.execPath, CLI, "gateway", "run", ...args], { env: childEnv(home, extraEnv), stdin: "ignore", stdout: "pipe", stderr: "pipe" });
  let out = "";
  const reader = proc.stdout.getReader();
  const decoder = new TextDecoder();
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`gateway did not start: ${out}`)), 10_000);
    (async () => {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) {
          clearTimeout(timer);
          return reject(new Error(`gateway exited before listening (code ${await proc.exited}): ${out}`));
        }
        out += decoder.decode(value);
        const m = /listening on port (\d+)/.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(Number(m[1]));
          // Keep draining so the child never blocks on a full pipe.
          void (async () => {
            for (;;) {
              const next = await reader.read();
              if (next.done) return;
              out += decoder.decode(next.value);
            }
          })();
          return;
        }
      }
    })();
  });
  return { proc, port, stdout: () => out, stderr: () => new Response(proc.stderr).text() };
}

/** Runs one CLI command to completion. */
export async function runCli(home: string, args: string[], extraEnv: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const proc = Bun.spawn([process.execPath, CLI, ...args], { env: childEnv(home, extraEnv), stdin: "ignore", stdout: "pipe", stderr: "pipe" });
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  return { code, stdout, stderr };
}
