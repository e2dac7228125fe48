/**
 * Reads every row of every table of a state database through a separate
 * read-only connection, so tests can assert "nothing changed" byte for byte.
 */
import { Database } from "bun:sqlite";

/** `{table: rows[]}` for all user tables, rows in rowid order (WITHOUT ROWID tables by primary key). */
export function dumpDatabase(path: string): Record<string, unknown[]> {
  const db = new Database(path, { readonly: true });
  try {
    const tables = db.query("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as { name: string }[];
    const out: Record<string, unknown[]> = {};
    for (const { name } of tables) out[name] = db.query(`SELECT * FROM "${name}" ORDER BY 1, 2`).all();
    return out;
  } finally {
    db.close();
  }
}
