/**
 * The state database file as both shims open it (node:fs only): its folder
 * 0700, the database and its WAL/SHM files 0600, and the connection pragmas
 * applied before the store touches the schema. Lives at
 * `<stateDir>/state/clawgate.sqlite`, beside upstream's own `openclaw.sqlite`,
 * which is never opened.
 */
import { chmodSync, existsSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import type { SqlDriver } from "../../core/storage/driver.ts";
import { CONNECTION_PRAGMAS } from "../../core/storage/sql-store.ts";

/** The database path for a state dir. */
export function databasePath(stateDir: string): string {
  return join(stateDir, "state", "clawgate.sqlite");
}

/** Opens `path` with the runtime's binding, creating it and its folder privately. */
export function openPrivateDatabase(path: string, open: (path: string) => SqlDriver): SqlDriver {
  const dir = dirname(path);
  if (!existsSync(dir)) mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  const driver = open(path);
  try {
    driver.exec(CONNECTION_PRAGMAS);
    // SQLite gives later WAL/SHM files the database's own mode, so fixing these now covers them.
    for (const file of [path, `${path}-wal`, `${path}-shm`]) if (existsSync(file)) chmodSync(file, 0o600);
  } catch (error) {
    driver.close();
    throw error;
  }
  return driver;
}
