/**
 * The few calls the SQL store needs from an embedded SQLite binding. Each
 * shim adapts its own (bun:sqlite, node:sqlite, better-sqlite3) in a handful
 * of lines; all three are synchronous, which keeps the Store interfaces
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
