/**
 * Deno's own `node:sqlite` as core's SQL driver, the way the Node shim adapts
 * the same binding. In-memory databases only, so the suite needs no file
 * permissions.
 */
import { driverOf, type SqlDriver, type SyncDatabase } from "../../core/storage/driver.ts";

// A computed specifier: a static `node:` import makes Deno type-check against
// @types/node, which Deno cannot resolve from this npm install.
const NODE_SQLITE = "node:sqlite";
const { DatabaseSync } = (await import(NODE_SQLITE)) as { DatabaseSync: new (path: string) => SyncDatabase };

/** A fresh, empty in-memory database as a driver. */
export function memoryDriver(): SqlDriver {
  return driverOf(new DatabaseSync(":memory:"));
}
