/**
 * The Store on bun:sqlite: core's SQL store (core/storage/sql-store.ts) over
 * Bun's built-in binding.
 */
import { Database } from "bun:sqlite";
import type { SqlDriver } from "../core/storage/driver.ts";
import { SqlStore } from "../core/storage/sql-store.ts";
import { databasePath, openPrivateDatabase } from "./host/database-file.ts";

export { databasePath };

/** bun:sqlite as core's SQL driver. */
export function bunDriver(db: Database): SqlDriver {
  return {
    exec: (sql) => void db.exec(sql),
    prepare: (sql) => db.prepare(sql),
    close: () => db.close(),
  };
}

/** A plain connection to an existing SQLite file (or ":memory:"), without the state database's pragmas or schema. */
export function openSqlite(path: string): SqlDriver {
  return bunDriver(new Database(path, { create: false, strict: true }));
}

/** The state database at `path` (see databasePath), migrated to the current schema. */
export class SqliteStore extends SqlStore {
  constructor(path: string) {
    super(openPrivateDatabase(path, (p) => bunDriver(new Database(p, { create: true, strict: true }))));
  }
}
