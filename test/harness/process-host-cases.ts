/**
 * One suite for every shim's ProcessHost (the exec tool's runner): output,
 * exit status, cwd and env; the whole process tree killed on timeout, on
 * abort and when the command ends; output bounded. The Bun host runs in the
 * test process; the Node host runs in a Node child (process-host-node-driver.ts).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "bun:test";
import type { ProcessOutcome, ProcessSpec } from "../../core/runtime.ts";
import { Signal } from "./signal.ts";

/** Runs one spec; `abortWhen` resolving aborts it. */
export type RunSpec = (spec: Omit<ProcessSpec, "signal">, abortWhen?: Promise<void>) => Promise<ProcessOutcome>;

const BASE = { env: { PATH: "/usr/bin:/bin", MARK: "from-env" }, timeoutMs: 0, maxOutputBytes: 64 * 1024 };

/** Whether a pid is gone (a zombie awaiting its reaper counts as gone: it runs nothing). */
function gone(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.startsWith("Z");
  } catch {
    return true;
  }
}

/** Resolves once `path` exists (the command has started its children). */
async function fileAppears(path: string): Promise<void> {
  await new Signal().until(() => existsSync(path) && readFileSync(path, "utf8").trim() !== "", 10_000);
}

async function goneSoon(pid: number): Promise<void> {
  // SIGKILL is immediate; the reaper (init) collects the zombie on its own schedule.
  await new Signal().until(() => gone(pid), 5_000);
}

/** Per case: the Node host starts a Node process per run, which takes seconds on a loaded 2-core box. */
const CASE_TIMEOUT_MS = 20_000;

export function processHostCases(name: string, run: RunSpec): void {
  describe(`${name} ProcessHost`, () => {
    test("stdout, stderr, exit code, cwd and env come back as the command produced them", async () => {
      const dir = mkdtempSync(join(tmpdir(), "clawgate-proc-"));
      try {
        const out = await run({ ...BASE, command: 'echo "$MARK $(pwd)"; echo oops >&2; exit 3', cwd: dir });
        expect(out).toMatchObject({ exitCode: 3, signal: null, stdout: `from-env ${dir}\n`, stderr: "oops\n", truncated: false, timedOut: false, aborted: false });
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }, CASE_TIMEOUT_MS);

    test("timeout -> the whole tree is killed: the grandchild is gone too", async () => {
      const dir = mkdtempSync(join(tmpdir(), "clawgate-proc-"));
      try {
        const pidFile = join(dir, "grandchild.pid");
        const out = await run({ ...BASE, cwd: dir, timeoutMs: 3000, command: `sh -c 'sleep 60 & echo $! > ${pidFile}; wait'; echo never` });
        expect(out).toMatchObject({ exitCode: null, signal: "SIGKILL", timedOut: true, stdout: "" });
        await goneSoon(Number(readFileSync(pidFile, "utf8")));
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }, CASE_TIMEOUT_MS);

    test("abort -> the whole tree is killed", async () => {
      const dir = mkdtempSync(join(tmpdir(), "clawgate-proc-"));
      try {
        const pidFile = join(dir, "grandchild.pid");
        const out = await run({ ...BASE, cwd: dir, command: `sh -c 'sleep 60 & echo $! > ${pidFile}; wait'` }, fileAppears(pidFile));
        expect(out).toMatchObject({ signal: "SIGKILL", aborted: true, timedOut: false });
        await goneSoon(Number(readFileSync(pidFile, "utf8")));
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }, CASE_TIMEOUT_MS);

    test("a background child the command left running ends with it, so the call returns", async () => {
      const out = await run({ ...BASE, cwd: tmpdir(), command: "sleep 60 & echo $!" });
      expect(out.exitCode).toBe(0);
      await goneSoon(Number(out.stdout.trim()));
    }, CASE_TIMEOUT_MS);

    test("a flood of output -> the first maxOutputBytes kept, truncated, the child not blocked", async () => {
      const out = await run({ ...BASE, cwd: tmpdir(), maxOutputBytes: 1000, command: "head -c 5000000 /dev/zero | tr '\\0' a; echo done >&2" });
      expect(out).toMatchObject({ exitCode: 0, stdout: "a".repeat(1000), stderr: "done\n", truncated: true });
    }, CASE_TIMEOUT_MS);
  });
}
