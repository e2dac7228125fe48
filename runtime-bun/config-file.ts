/**
 * `openclaw.json` on disk (spec §11): atomic writes (temp file, fsync,
 * rename, fsync of the directory) with a five-file `.bak` ring, the clobber
 * guard with `.rejected.<timestamp>` copies, and the last-known-good copy
 * that `doctor --fix` restores. Files 0600 in 0700 directories.
 */
import { closeSync, copyFileSync, existsSync, fsyncSync, lstatSync, openSync, readFileSync, renameSync, rmSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import type { ConfigStorage, WriteOutcome } from "../core/config/service.ts";
import { clobberReasons, rejectedPath, rejectionMessage } from "../core/config/write-guard.ts";
import { ensurePrivateDir } from "./state.ts";

/** `.bak`, `.bak.1` … `.bak.4`, newest first, as upstream keeps them. */
const BACKUPS = 5;

function backupName(path: string, i: number): string {
  return i === 0 ? `${path}.bak` : `${path}.bak.${i}`;
}

/** Writes `text` to `path` durably: a crash leaves the old file or the new one, never half of either. */
export function writeFileAtomic(path: string, text: string): void {
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
}

/** Shifts the ring by one and copies the current file into `.bak`. */
function rotateBackups(path: string): void {
  rmSync(backupName(path, BACKUPS - 1), { force: true });
  for (let i = BACKUPS - 2; i >= 0; i--) {
    if (existsSync(backupName(path, i))) renameSync(backupName(path, i), backupName(path, i + 1));
  }
  copyFileSync(path, backupName(path, 0));
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

  /** Guarded write: refused (and kept as `.rejected.*`) when it looks like a clobber (§11). */
  write(text: string): WriteOutcome {
    if (existsSync(this.path) && lstatSync(this.path).isSymbolicLink()) {
      return { ok: false, message: `Config write refused: ${this.path} is a symlink; point OPENCLAW_CONFIG_PATH at the real file.` };
    }
    const current = this.read();
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
    writeFileAtomic(this.path, text);
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
