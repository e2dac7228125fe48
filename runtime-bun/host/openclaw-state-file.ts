/**
 * OpenClaw's state database as the import reads it: `<stateDir>/state/openclaw.sqlite`
 * and its WAL are copied into a private temp dir and the copy is opened, so
 * not one byte of upstream's files changes (even a read-only connection
 * writes read marks into the shared-memory file) and a WAL upstream left
 * behind is replayed into the copy only. The copy holds device tokens: its
 * dir is 0700 and it is removed before this returns. A copy taken while
 * OpenClaw's gateway writes could be torn, so a running one is refused.
 */
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ImportError, OPENCLAW_VERSION, readOpenClawState, type UpstreamState } from "../../core/import/openclaw-state.ts";
import type { Platform } from "./platform.ts";
import { isAlive } from "./service/process-info.ts";

/** Where upstream keeps its database in a state dir. */
export function openclawDatabasePath(stateDir: string): string {
  return join(stateDir, "state", "openclaw.sqlite");
}

/** The pid of an OpenClaw gateway running on `stateDir`: upstream holds `tmp/openclaw-<uid>/gateway.state.lock` (JSON with its pid) while it runs. */
export function runningOpenClawGateway(stateDir: string): number | undefined {
  const uid = process.getuid?.();
  const lock = join(stateDir, "tmp", uid === undefined ? "openclaw" : `openclaw-${uid}`, "gateway.state.lock");
  try {
    const { pid } = JSON.parse(readFileSync(lock, "utf8")) as { pid?: unknown };
    return typeof pid === "number" && isAlive(pid) ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Reads the OpenClaw state of `stateDir`; throws ImportError when it is missing or unreadable. */
export async function readOpenClawStateDir(stateDir: string, platform: Pick<Platform, "openSqlite">): Promise<UpstreamState> {
  const database = openclawDatabasePath(stateDir);
  if (!existsSync(database)) {
    const legacy = ["devices/paired.json", "nodes/paired.json"].some((f) => existsSync(join(stateDir, f)));
    throw new ImportError(
      `no OpenClaw state database at ${database}`,
      legacy
        ? `This state dir has OpenClaw's older JSON stores: run OpenClaw ${OPENCLAW_VERSION} once (or \`openclaw doctor --fix\`) so it moves them into state/openclaw.sqlite, then import.`
        : "Pass --state-dir with the OpenClaw state dir (the folder holding openclaw.json and state/).",
    );
  }
  const running = runningOpenClawGateway(stateDir);
  if (running !== undefined) {
    throw new ImportError(`OpenClaw's gateway is running on ${stateDir} (pid ${running}); a copy of its database taken while it writes could be torn`, "Stop it first (`openclaw gateway stop`), then import. Its files stay as they are, so you can start it again any time.");
  }
  const dir = mkdtempSync(join(tmpdir(), "clawgate-import-"));
  try {
    const copy = join(dir, "openclaw.sqlite");
    copyFileSync(database, copy);
    if (existsSync(`${database}-wal`)) copyFileSync(`${database}-wal`, `${copy}-wal`);
    let db;
    try {
      db = await platform.openSqlite(copy);
    } catch (error) {
      throw new ImportError(`${database} is not a readable SQLite database: ${(error as Error).message}`);
    }
    try {
      return readOpenClawState(db, database);
    } finally {
      db.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
