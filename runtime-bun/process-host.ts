/**
 * The exec tool's process runner on Bun: `Bun.spawn` with the child in a
 * process group of its own (`detached`), so a timeout, an abort or the end of
 * the command can kill its whole tree with one signal to the group.
 */
import { mkdirSync } from "node:fs";
import { readBounded } from "../core/exec/bounded-output.ts";
import type { ProcessHost, ProcessOutcome, ProcessSpec } from "../core/runtime.ts";

async function run(spec: ProcessSpec): Promise<ProcessOutcome> {
  const started = performance.now();
  if (spec.createCwd) mkdirSync(spec.cwd, { recursive: true, mode: 0o700 });
  const child = Bun.spawn(["/bin/sh", "-c", spec.command], {
    cwd: spec.cwd, env: spec.env, stdin: "ignore", stdout: "pipe", stderr: "pipe", detached: true,
  });
  let timedOut = false;
  let aborted = false;
  const killTree = () => {
    try {
      process.kill(-child.pid, "SIGKILL");
    } catch {
      // The group is already gone.
    }
  };
  const timer = spec.timeoutMs > 0 ? setTimeout(() => ((timedOut = true), killTree()), spec.timeoutMs) : undefined;
  const onAbort = () => ((aborted = true), killTree());
  if (spec.signal?.aborted) onAbort();
  else spec.signal?.addEventListener("abort", onAbort, { once: true });
  const output = Promise.all([readBounded(child.stdout, spec.maxOutputBytes), readBounded(child.stderr, spec.maxOutputBytes)]);
  const exitCode = await child.exited;
  // Whatever the command left running would hold its pipes open: the group ends with it.
  killTree();
  const [stdout, stderr] = await output;
  clearTimeout(timer);
  spec.signal?.removeEventListener("abort", onAbort);
  return {
    exitCode: child.signalCode ? null : exitCode,
    signal: child.signalCode ? String(child.signalCode) : null,
    stdout: stdout.text,
    stderr: stderr.text,
    truncated: stdout.truncated || stderr.truncated,
    timedOut,
    aborted,
    durationMs: performance.now() - started,
  };
}

export const bunProcessHost: ProcessHost = {
  run,
  which: (name, path) => Bun.which(name, { PATH: path }) ?? undefined,
  env: () => ({ ...process.env }) as Record<string, string>,
};
