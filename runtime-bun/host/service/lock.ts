/**
 * One gateway per state dir: `<stateDir>/gateway.pid` is created exclusively
 * by a running gateway and removed when it exits. A file whose process is
 * gone (or whose pid now belongs to another program) is stale and reclaimed.
 * The same file tells `gateway status/stop/restart` which process to drive.
 */
import { closeSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";
import { join } from "node:path";
import { ensurePrivateDir } from "../state.ts";
import { commandLine, isAlive, isClawgateGateway, startTime } from "./process-info.ts";

/** What a running gateway records about itself. */
export interface LockRecord {
  pid: number;
  /** Kernel start time, so a reused pid is not mistaken for the owner. */
  startTime?: string;
  port?: number;
  startedAt: string;
  version: string;
  configPath: string;
  logFile?: string;
  /** `gateway run` arguments without secret values, for `gateway restart`. */
  args?: string[];
  /** Where the running gateway's secret comes from (a name such as `--token`, never a value). */
  secretSource?: string;
}

export function lockPath(stateDir: string): string {
  return join(stateDir, "gateway.pid");
}

/** Reads the lock file; undefined when absent or unreadable. */
export function readLock(stateDir: string): LockRecord | undefined {
  try {
    const record = JSON.parse(readFileSync(lockPath(stateDir), "utf8")) as LockRecord;
    return Number.isInteger(record.pid) ? record : undefined;
  } catch {
    return undefined;
  }
}

/** The record's process is alive and is the clawgate gateway that wrote it. */
export function isLive(record: LockRecord): boolean {
  if (!isAlive(record.pid)) return false;
  if (record.startTime !== undefined && startTime(record.pid) !== record.startTime) return false;
  return isClawgateGateway(commandLine(record.pid));
}

export type AcquireResult = { ok: true; reclaimed?: LockRecord } | { ok: false; holder: LockRecord };

/** Takes the state dir's lock for this process, reclaiming a stale one. */
export function acquireLock(stateDir: string, record: Omit<LockRecord, "pid" | "startTime">): AcquireResult {
  ensurePrivateDir(stateDir);
  const full: LockRecord = { pid: process.pid, startTime: startTime(process.pid), ...record };
  let reclaimed: LockRecord | undefined;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lockPath(stateDir), "wx", 0o600);
      try {
        writeSync(fd, JSON.stringify(full) + "\n");
      } finally {
        closeSync(fd);
      }
      return reclaimed ? { ok: true, reclaimed } : { ok: true };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    const holder = readLock(stateDir);
    if (holder && holder.pid !== process.pid && isLive(holder)) return { ok: false, holder };
    reclaimed = holder;
    rmSync(lockPath(stateDir), { force: true });
  }
  return { ok: false, holder: readLock(stateDir) ?? { pid: -1, startedAt: "", version: "", configPath: "" } };
}

/** Rewrites the lock with fields learned after binding (the real port). */
export function updateLock(stateDir: string, patch: Partial<LockRecord>): void {
  const current = readLock(stateDir);
  if (!current || current.pid !== process.pid) return;
  const fd = openSync(lockPath(stateDir), "w", 0o600);
  try {
    writeSync(fd, JSON.stringify({ ...current, ...patch }) + "\n");
  } finally {
    closeSync(fd);
  }
}

/** Removes the lock if this process holds it. */
export function releaseLock(stateDir: string): void {
  if (readLock(stateDir)?.pid === process.pid) rmSync(lockPath(stateDir), { force: true });
}
