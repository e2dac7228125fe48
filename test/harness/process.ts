/**
 * Runs the real `clawgate` CLI as a child process with an isolated HOME and
 * state dir, and learns the port from its "listening on port N" line.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
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
  /** Resolves on the first match of `pattern` in stderr, or undefined once the pipe closed. */
  waitForStderr(pattern: RegExp): Promise<RegExpExecArray | undefined>;
}

/** A pipe's text as it arrives; `waitFor` resolves on the first match, or undefined at its end. */
export function collect(stream: ReadableStream<Uint8Array>) {
  let text = "";
  let ended = false;
  const waiters = new Set<() => void>();
  void (async () => {
    const decoder = new TextDecoder();
    const reader = stream.getReader();
    for (let r = await reader.read(); !r.done; r = await reader.read()) {
      text += decoder.decode(r.value, { stream: true });
      for (const w of waiters) w();
    }
  })().catch(() => undefined).finally(() => {
    ended = true;
    for (const w of waiters) w();
  });
  return {
    text: () => text,
    waitFor(pattern: RegExp): Promise<RegExpExecArray | undefined> {
      return new Promise((resolve) => {
        const check = () => {
          const m = pattern.exec(text);
          if (m || ended) {
            waiters.delete(check);
            resolve(m ?? undefined);
          }
        };
        waiters.add(check);
        check();
      });
    },
  };
}

/**
 * Starts `<argv> gateway run ...args` and resolves once it prints its
 * listening line; `argv` defaults to the Bun CLI (harness/runtimes.ts passes Node's).
 */
export async function spawnGateway(home: string, args: string[] = ["--port", "0"], extraEnv: Record<string, string> = {}, argv: string[] = [process.execPath, CLI]): Promise<ChildGateway> {
  const proc = Bun.spawn([...argv, "gateway", "run", ...args], { env: childEnv(home, extraEnv), stdin: "ignore", stdout: "pipe", stderr: "pipe" });
  const out = collect(proc.stdout);
  const err = collect(proc.stderr);
  const timer = setTimeout(() => proc.kill("SIGKILL"), 15_000);
  const match = await out.waitFor(/listening on port (\d+)/);
  clearTimeout(timer);
  if (!match) {
    proc.kill("SIGKILL");
    throw new Error(`gateway exited before listening (code ${await proc.exited}):\n${out.text()}\n${err.text()}`);
  }
  const port = Number(match[1]);
  return { proc, port, url: `ws://127.0.0.1:${port}`, stdout: out.text, stderr: err.text, waitForStderr: err.waitFor };
}

/** A gateway whose HOME and state dir are both `stateDir`, so it can be killed and restarted on the same files. */
export function spawnGatewayOn(stateDir: string, extraEnv: Record<string, string> = {}): Promise<ChildGateway> {
  return spawnGateway(stateDir, ["--port", "0"], { OPENCLAW_STATE_DIR: stateDir, ...extraEnv });
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

/**
 * A port to write into a config file (the gateway binds it itself, so the test cannot hold it open): drawn below the
 * kernel's ephemeral range (32768-60999 by default), which bind(0) and outgoing connections never hand out, and
 * checked free.
 */
export async function configPort(): Promise<number> {
  for (;;) {
    const port = 20_000 + 2 * Math.floor(Math.random() * 5_000);
    try {
      Bun.serve({ port, hostname: "127.0.0.1", fetch: () => new Response() }).stop(true);
      return port;
    } catch {
      // Taken: draw again.
    }
  }
}

/** `clawgate channels status --probe` as a user runs it: no --url (as upstream), the gateway at `port` found through ~/.openclaw. */
export async function channelsStatusLines(port: number, token: string): Promise<{ code: number; stdout: string }> {
  const home = freshHome();
  try {
    mkdirSync(join(home, ".openclaw"), { mode: 0o700 });
    writeFileSync(join(home, ".openclaw", "openclaw.json"), JSON.stringify({ gateway: { mode: "local", port, auth: { mode: "token", token } } }), { mode: 0o600 });
    return await runCli(home, ["channels", "status", "--probe"]);
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}
