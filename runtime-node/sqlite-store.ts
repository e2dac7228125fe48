/**
 * The Store on Node: core's SQL store (core/storage/sql-store.ts) over
 * `node:sqlite` (unflagged since Node 22.13, the shim's minimum).
 */
import { driverOf, type SqlDriver, type SyncDatabase } from "../core/storage/driver.ts";
import { SqlStore } from "../core/storage/sql-store.ts";
import { openPrivateDatabase } from "../runtime-bun/host/database-file.ts";

/** The state database at `path`, created 0600 in a 0700 folder and migrated. */
export async function openStore(path: string): Promise<SqlStore> {
  // A dynamic import keeps node:sqlite out of the bundle's static imports, which an older Node fails to link before the entry's version check runs.
  const { DatabaseSync } = await import("node:sqlite");
  return new SqlStore(openPrivateDatabase(path, (p) => driverOf(new DatabaseSync(p) as unknown as SyncDatabase)));
}

/** A plain connection to an existing SQLite file (or ":memory:"), without the state database's pragmas or schema. */
export async function openSqlite(path: string): Promise<SqlDriver> {
  const { DatabaseSync } = await import("node:sqlite");
  return driverOf(new DatabaseSync(path) as unknown as SyncDatabase);
}
