/**
 * Core's SQL store over bun:sqlite: the shared cases on in-memory databases,
 * and the Bun shim's file: WAL, synchronous=FULL, 0600 in 0700.
 */
import { Database } from "bun:sqlite";
import { describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { openPrivateDatabase } from "../../../runtime-bun/host/database-file.ts";
import { bunDriver, databasePath, SqliteStore } from "../../../runtime-bun/sqlite-store.ts";
import { STORE_CASES } from "./sql-store.cases.ts";

describe("SqlStore over bun:sqlite", () => {
  for (const c of STORE_CASES) test(c.name, () => c.run(() => bunDriver(new Database(":memory:", { strict: true }))));
});

// synchronous is per connection, so it is read on the connection the shim opened; the binding's own default is set
// to OFF first, so only the shim's pragma can make it FULL.
test("the shim's connection -> synchronous=FULL whatever the binding's default", () => {
  const dir = mkdtempSync(join(tmpdir(), "clawgate-sql-"));
  let db!: Database;
  try {
    const driver = openPrivateDatabase(databasePath(dir), (p) => {
      db = new Database(p, { create: true, strict: true });
      db.exec("PRAGMA synchronous = OFF");
      return bunDriver(db);
    });
    try {
      expect(db.query("PRAGMA synchronous").get()).toEqual({ synchronous: 2 });
      expect(db.query("PRAGMA journal_mode").get()).toEqual({ journal_mode: "wal" });
    } finally {
      driver.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("SqliteStore file -> WAL journal, database 0600 in a 0700 folder", () => {
  const dir = mkdtempSync(join(tmpdir(), "clawgate-sql-"));
  try {
    const path = databasePath(dir);
    const store = new SqliteStore(path);
    store.putSchedulerState("k", "v");
    store.close();
    const db = new Database(path, { readonly: true });
    try {
      expect(db.query("PRAGMA journal_mode").get()).toEqual({ journal_mode: "wal" });
    } finally {
      db.close();
    }
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(dirname(path)).mode & 0o777).toBe(0o700);
    const reopened = new SqliteStore(path);
    try {
      expect(reopened.getSchedulerState("k")).toBe("v");
    } finally {
      reopened.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
