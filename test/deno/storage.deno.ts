/**
 * Core's SQL store under Deno over Deno's own `node:sqlite`: the same cases
 * bun:test runs over bun:sqlite (test/core/storage/sql-store.cases.ts), so a
 * store change that only one binding accepts fails here.
 */
import type { SqlDriver, SqlValue } from "../../core/storage/driver.ts";
import { STORE_CASES } from "../core/storage/sql-store.cases.ts";

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

/** node:sqlite as core's SQL driver (the Node shim adapts the same binding the same way). */
function denoDriver(db: DatabaseSync): SqlDriver {
  return {
    exec: (sql) => db.exec(sql),
    prepare(sql) {
      const statement = db.prepare(sql);
      return {
        get: (...params: SqlValue[]) => statement.get(...params),
        all: (...params: SqlValue[]) => statement.all(...params),
        run: (...params: SqlValue[]) => ({ changes: Number(statement.run(...params).changes) }),
      };
    },
    close: () => db.close(),
  };
}

for (const c of STORE_CASES) Deno.test(`SqlStore over node:sqlite: ${c.name}`, () => c.run(() => denoDriver(new DatabaseSync(":memory:"))));
