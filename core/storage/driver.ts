/**
 * The few calls the SQL store needs from an embedded SQLite binding. Each
 * shim adapts its own (bun:sqlite, node:sqlite) in a handful
 * of lines; both are synchronous, which keeps the Store interfaces
 * synchronous. Parameters are positional (`?`) only, the one form every
 * binding binds the same way. Runtime-agnostic.
 */

/** A value SQLite stores and the bindings all accept. */
export type SqlValue = string | number | null;

/** Outcome of a statement that writes. */
export interface SqlRunResult {
  /** Rows inserted, updated or deleted. */
  changes: number;
}

/** A prepared statement, reusable for many executions. */
export interface SqlStatement {
  /** The first row, or undefined/null when there is none. */
  get(...params: SqlValue[]): unknown;
  all(...params: SqlValue[]): unknown[];
  run(...params: SqlValue[]): SqlRunResult;
}

/** One open database connection. */
export interface SqlDriver {
  /** Runs one or more statements that take no parameters (DDL, PRAGMA, BEGIN). */
  exec(sql: string): void;
  prepare(sql: string): SqlStatement;
  close(): void;
}

/**
 * The shape of node:sqlite's DatabaseSync: the same
 * calls as a driver, except that `changes` may come back as a bigint.
 */
export interface SyncDatabase {
  exec(sql: string): unknown;
  prepare(sql: string): {
    get(...params: SqlValue[]): unknown;
    all(...params: SqlValue[]): unknown[];
    run(...params: SqlValue[]): { changes: number | bigint };
  };
  close(): unknown;
}

/** Adapts a node:sqlite database to the driver. */
export function driverOf(db: SyncDatabase): SqlDriver {
  return {
    exec: (sql) => void db.exec(sql),
    prepare(sql) {
      const statement = db.prepare(sql);
      return {
        get: (...params) => statement.get(...params),
        all: (...params) => statement.all(...params),
        run: (...params) => ({ changes: Number(statement.run(...params).changes) }),
      };
    },
    close: () => void db.close(),
  };
}
