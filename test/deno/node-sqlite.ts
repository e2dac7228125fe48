/**
 * Deno's own `node:sqlite` as core's SQL driver, the way the Node shim adapts
 * the same binding. In-memory databases only, so the suite needs no file
 * permissions.
 */
import type { SqlDriver, SqlValue } from "../../core/storage/driver.ts";

/** The part of node:sqlite's DatabaseSync used here. */
interface DatabaseSync {
  exec(sql: string): void;
  prepare(sql: string): {
    get(...params: SqlValue[]): unknown;
    all(...params: SqlValue[]): unknown[];
    run(...params: SqlValue[]): { changes: number | bigint };
  };
  close(): void;
}

// A computed specifier: a static `node:` import makes Deno type-check against
// @types/node, which Deno cannot resolve from this npm install.
const NODE_SQLITE = "node:sqlite";
const { DatabaseSync } = (await import(NODE_SQLITE)) as { DatabaseSync: new (path: string) => DatabaseSync };

/** A fresh, empty in-memory database as a driver. */
export function memoryDriver(): SqlDriver {
  const db = new DatabaseSync(":memory:");
  return {
    exec: (sql) => db.exec(sql),
    prepare(sql) {
      const statement = db.prepare(sql);
      return {
        get: (...params) => statement.get(...params),
        all: (...params) => statement.all(...params),
        run: (...params) => ({ changes: Number(statement.run(...params).changes) }),
      };
    },
    close: () => db.close(),
  };
}
