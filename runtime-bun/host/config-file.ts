/**
 * `openclaw.json` on disk (spec §11): atomic writes (temp file, fsync,
 * rename, fsync of the directory) with a five-file `.bak` ring, the clobber
 * guard with `.rejected.<timestamp>` copies, and the last-known-good copy
 * that `doctor --fix` restores. Files 0600 in 0700 directories.
 *
 * A write never replaces text it did not see: under `<path>.lock` it
 * compares the file with the text the edit was based on once more right
 * before the rename, and refuses with the conflict error when an edit
 * landed meanwhile. Temp files left by a killed writer are removed at start.
 */
import { chmodSync, closeSync, copyFileSync, existsSync, fsyncSync, lstatSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { configTooLargeMessage, MAX_CONFIG_BYTES } from "../../core/config/document.ts";
import { CONFIG_CONFLICT_MESSAGE, type ConfigStorage, type WriteOutcome } from "../../core/config/service.ts";
import { clobberReasons, rejectedPath, rejectionMessage } from "../../core/config/write-guard.ts";
import { ensurePrivateDir } from "./state.ts";

/** `.bak`, `.bak.1` … `.bak.4`, newest first, as upstream keeps them. */
const BACKUPS = 5;

function backupName(path: string, i: number): string {
  return i === 0 ? `${path}.bak` : `${path}.bak.${i}`;
}

/** Temp files are `<name>.<writer pid>.<8 hex>.tmp`, so a stale one names the writer that died. */
const TEMP_NAME = /^(.+)\.(\d+)\.[0-9a-f]{8}\.tmp$/;

/** Whether a process with this pid exists (EPERM: it does, owned by someone else). */
function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Writes `text` to `path` durably: a crash leaves the old file or the new one,
 * never half of either. The temp copy is 0600 from its first byte (it may hold
 * the token). `beforeRename` runs last, right before the rename; returning
 * false abandons the write and removes the temp copy.
 */
export function writeFileAtomic(path: string, text: string, beforeRename: () => boolean = () => true): boolean {
  ensurePrivateDir(dirname(path));
  const tmp = `${path}.${process.pid}.${crypto.randomUUID().slice(0, 8)}.tmp`;
  const fd = openSync(tmp, "wx", 0o600);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    if (!beforeRename()) {
      rmSync(tmp, { force: true });
      return false;
    }
    renameSync(tmp, path);
  } catch (error) {
    rmSync(tmp, { force: true });
    throw error;
  }
  const dirFd = openSync(dirname(path), "r");
  try {
    fsyncSync(dirFd);
  } finally {
    closeSync(dirFd);
  }
  return true;
}

/**
 * Removes temp copies of `path` whose writer is gone (killed mid-write) and a
 * lock left by a dead writer. A live writer's files are left alone.
 */
export function removeStaleWriteFiles(path: string): string[] {
  const dir = dirname(path);
  const name = basename(path);
  const removed: string[] = [];
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return removed;
  }
  for (const entry of entries) {
    const m = TEMP_NAME.exec(entry);
    if (!m || m[1] !== name || pidAlive(Number(m[2]))) continue;
    rmSync(join(dir, entry), { force: true });
    removed.push(entry);
  }
  if (existsSync(lockPath(path)) && lockIsStale(lockPath(path))) {
    rmSync(lockPath(path), { force: true });
    removed.push(basename(lockPath(path)));
  }
  return removed;
}

function lockPath(path: string): string {
  return `${path}.lock`;
}

/** The pid in a lock file; NaN for an unreadable one, undefined when there is none. */
function lockHolder(lock: string): number | undefined {
  try {
    return Number.parseInt(readFileSync(lock, "utf8"), 10);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "ENOENT" ? undefined : Number.NaN;
  }
}

/** How long a lock without a readable pid (its writer just created it, or died right then) counts as held. */
const UNREADABLE_LOCK_MS = 30_000;

/** A lock whose writer is gone: its pid is dead, or it never got a pid and is old. */
function lockIsStale(lock: string): boolean {
  const holder = lockHolder(lock);
  if (holder === undefined) return true;
  if (Number.isFinite(holder)) return !pidAlive(holder);
  try {
    return Date.now() - statSync(lock).mtimeMs > UNREADABLE_LOCK_MS;
  } catch {
    return true;
  }
}

/** Takes `<path>.lock` (O_EXCL, our pid inside); a lock whose writer died is taken over. False while a live writer holds it. */
function takeWriteLock(path: string): boolean {
  const lock = lockPath(path);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lock, "wx", 0o600);
      try {
        writeSync(fd, String(process.pid));
      } finally {
        closeSync(fd);
      }
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      if (!lockIsStale(lock)) return false;
      rmSync(lock, { force: true });
    }
  }
  return false;
}

/** Shifts the ring by one and copies the current file into `.bak`. */
function rotateBackups(path: string): void {
  rmSync(backupName(path, BACKUPS - 1), { force: true });
  for (let i = BACKUPS - 2; i >= 0; i--) {
    if (existsSync(backupName(path, i))) renameSync(backupName(path, i), backupName(path, i + 1));
  }
  copyFileSync(path, backupName(path, 0));
  // The copy holds the token like the file; keep it private whatever mode the file had.
  chmodSync(backupName(path, 0), 0o600);
}

/** The file that `doctor --fix` restores when the config stops validating. */
export function lastGoodPath(configPath: string): string {
  return `${configPath}.last-good`;
}

export class ConfigFile implements ConfigStorage {
  constructor(readonly path: string) {}

  read(): string | null {
    try {
      return readFileSync(this.path, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
      throw error;
    }
  }

  /**
   * Guarded write of an edit based on `seen` (the text read before editing,
   * null for no file): refused with the conflict error when the file no
   * longer holds `seen`, and kept as `.rejected.*` when it looks like a
   * clobber (§11).
   */
  write(text: string, seen: string | null): WriteOutcome {
    if (existsSync(this.path) && lstatSync(this.path).isSymbolicLink()) {
      return { ok: false, message: `Config write refused: ${this.path} is a symlink; point OPENCLAW_CONFIG_PATH at the real file.` };
    }
    if (text.length > MAX_CONFIG_BYTES) return { ok: false, message: `Config write refused: ${configTooLargeMessage(text.length)}.` };
    ensurePrivateDir(dirname(this.path));
    // Another writer is replacing the file right now, so the text this edit is based on is about to be stale: a conflict.
    if (!takeWriteLock(this.path)) return { ok: false, conflict: true, message: CONFIG_CONFLICT_MESSAGE };
    try {
      return this.writeLocked(text, seen);
    } finally {
      rmSync(lockPath(this.path), { force: true });
    }
  }

  private writeLocked(text: string, seen: string | null): WriteOutcome {
    const current = this.read();
    if (current !== seen) return { ok: false, conflict: true, message: CONFIG_CONFLICT_MESSAGE };
    const reasons = clobberReasons(current, text);
    if (reasons.length > 0) {
      const saved = rejectedPath(this.path, new Date());
      let savedTo: string | null = saved;
      try {
        const fd = openSync(saved, "wx", 0o600);
        try {
          writeSync(fd, text);
        } finally {
          closeSync(fd);
        }
      } catch {
        savedTo = null;
      }
      return { ok: false, message: rejectionMessage(this.path, reasons, savedTo), ...(savedTo ? { rejectedPath: savedTo } : {}) };
    }
    if (current !== null) rotateBackups(this.path);
    // Backups and fsync took time: an edit may have landed since; never rename over it.
    if (!writeFileAtomic(this.path, text, () => this.read() === seen)) return { ok: false, conflict: true, message: CONFIG_CONFLICT_MESSAGE };
    return { ok: true };
  }

  /**
   * Replaces the file without the clobber guard, keeping the replaced text in
   * the `.bak` ring: only `doctor --fix` restoring last-known-good does this (§11).
   */
  restore(text: string): void {
    if (this.read() !== null) rotateBackups(this.path);
    writeFileAtomic(this.path, text);
  }

  /** Records the running file as last-known-good (after a successful start or reload). */
  markGood(text: string): void {
    // Most starts run the config they ran last time: two fsyncs to rewrite the same bytes would delay the first request.
    if (this.lastGood() === text) return;
    writeFileAtomic(lastGoodPath(this.path), text);
  }

  /** The last-known-good text, if one was recorded. */
  lastGood(): string | null {
    try {
      return readFileSync(lastGoodPath(this.path), "utf8");
    } catch {
      return null;
    }
  }
}
