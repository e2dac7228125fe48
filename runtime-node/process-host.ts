/**
 * The exec tool's process runner on Node: `child_process.spawn` with the
 * child in a process group of its own (`detached`), so a timeout, an abort or
 * the end of the command can kill its whole tree with one signal to the group.
 */
import { spawn } from "node:child_process";
import { accessSync, constants, mkdirSync, statSync } from "node:fs";
import { delimiter, isAbsolute, join } from "node:path";
import { readBounded } from "../core/exec/bounded-output.ts";
import type { ProcessHost, ProcessOutcome, ProcessSpec } from "../core/runtime.ts";

async function run(spec: ProcessSpec): Promise<ProcessOutcome> {
  const started = performance.now();
  if (spec.createCwd) mkdirSync(spec.cwd, { recursive: true, mode: 0o700 });
  const child = spawn("/bin/sh", ["-c", spec.command], { cwd: spec.cwd, env: spec.env, stdio: ["ignore", "pipe", "pipe"], detached: true });
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code, signal) => resolve({ code, signal }));
  });
  let timedOut = false;
  let aborted = false;
  const killTree = () => {
    try {
      if (child.pid) process.kill(-child.pid, "SIGKILL");
    } catch {
      // The group is already gone.
    }
  };
  const timer = spec.timeoutMs > 0 ? setTimeout(() => ((timedOut = true), killTree()), spec.timeoutMs) : undefined;
  const onAbort = () => ((aborted = true), killTree());
  if (spec.signal?.aborted) onAbort();
  else spec.signal?.addEventListener("abort", onAbort, { once: true });
  const output = Promise.all([readBounded(child.stdout!, spec.maxOutputBytes), readBounded(child.stderr!, spec.maxOutputBytes)]);
  try {
    const { code, signal } = await exited;
    // Whatever the command left running would hold its pipes open: the group ends with it.
    killTree();
    const [stdout, stderr] = await output;
    return {
      exitCode: signal ? null : code, signal, stdout: stdout.text, stderr: stderr.text,
      truncated: stdout.truncated || stderr.truncated, timedOut, aborted, durationMs: performance.now() - started,
    };
  } finally {
    clearTimeout(timer);
    spec.signal?.removeEventListener("abort", onAbort);
  }
}

function which(name: string, path: string): string | undefined {
  if (name.includes("/")) return undefined;
  for (const dir of path.split(delimiter)) {
    if (!dir || !isAbsolute(dir)) continue;
    const candidate = join(dir, name);
    try {
      if (!statSync(candidate).isFile()) continue;
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not here.
    }
  }
  return undefined;
}

export const nodeProcessHost: ProcessHost = {
  run,
  which,
  env: () => ({ ...process.env }) as Record<string, string>,
};
