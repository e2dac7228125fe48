/**
 * The Store on Node: core's SQL store (core/storage/sql-store.ts) over
 * `node:sqlite` where this Node has it unflagged (22.13+), otherwise over
 * better-sqlite3, an optional dependency compiled at install (Node 20).
 */
import { createRequire } from "node:module";
import { driverOf, type SyncDatabase } from "../core/storage/driver.ts";
import { SqlStore } from "../core/storage/sql-store.ts";
import { openPrivateDatabase } from "../runtime-bun/database-file.ts";

type Opener = (path: string) => SyncDatabase;

let opener: Promise<Opener> | undefined;

async function loadOpener(): Promise<Opener> {
  try {
    const { DatabaseSync } = await import("node:sqlite");
    return (path) => new DatabaseSync(path) as unknown as SyncDatabase;
  } catch {
    // Node 20 and 22 before 22.13 (without --experimental-sqlite) have no node:sqlite.
  }
  try {
    const Database = createRequire(import.meta.url)("better-sqlite3") as new (path: string) => SyncDatabase;
    return (path) => new Database(path);
  } catch (error) {
    throw new Error(`no SQLite binding for Node ${process.versions.node}: node:sqlite needs Node 22.13 or newer, and better-sqlite3 did not load (${(error as Error).message}); run \`npm install better-sqlite3\` where a C++ toolchain is available, or use Node >= 22.13`);
  }
}

/** The state database at `path`, created 0600 in a 0700 folder and migrated. */
export async function openStore(path: string): Promise<SqlStore> {
  const open = await (opener ??= loadOpener());
  return new SqlStore(openPrivateDatabase(path, (p) => driverOf(open(p))));
}
