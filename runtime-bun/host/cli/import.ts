/**
 * `clawgate import openclaw [--state-dir DIR] [--dry-run] [--json]`: brings an
 * OpenClaw 2026.9.6 state dir's paired devices (with their tokens), nodes,
 * approved chat senders and cron jobs into clawgate's database in one
 * transaction (core/import/). Upstream's files are only copied, never
 * opened in place; clawgate's own rows are never overwritten, so running it
 * again changes nothing. Refused while this state dir's gateway runs, whose
 * in-memory state would not see the new rows.
 */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { applyImport, planImport, type ImportItem, type ImportResult } from "../../../core/import/openclaw-import.ts";
import { ImportError, type UpstreamState } from "../../../core/import/openclaw-state.ts";
import { SqlStore } from "../../../core/storage/sql-store.ts";
import { databasePath } from "../database-file.ts";
import { openclawDatabasePath, readOpenClawStateDir } from "../openclaw-state-file.ts";
import type { Platform } from "../platform.ts";
import { isLive, readLock } from "../service/lock.ts";
import { currentPaths } from "../state.ts";
import { color, EXIT, fail, printJson } from "./output.ts";

export interface ImportFlags {
  profile?: string;
  stateDir?: string;
  dryRun?: boolean;
  json?: boolean;
}

export async function importOpenClaw(flags: ImportFlags, platform: Platform): Promise<number> {
  const paths = currentPaths(flags.profile);
  const sourceDir = flags.stateDir !== undefined ? resolve(flags.stateDir) : paths.stateDir;
  const lock = readLock(paths.stateDir);
  if (lock && isLive(lock)) {
    return fail(`the clawgate gateway of ${paths.stateDir} is running (pid ${lock.pid}); it would not see imported rows`, EXIT.failure, "Stop it first (`clawgate gateway stop`), import, then start it again.");
  }
  let state: UpstreamState;
  try {
    state = await readOpenClawStateDir(sourceDir, platform);
  } catch (error) {
    if (error instanceof ImportError) return fail(`cannot import: ${error.message}`, EXIT.failure, error.hint ? `${error.hint}\nNothing was imported; clawgate's database is unchanged.` : "Nothing was imported; clawgate's database is unchanged.");
    throw error;
  }
  const plan = await planImport(state, Date.now());
  const target = databasePath(paths.stateDir);
  const dryRun = flags.dryRun === true;
  // A dry run against a gateway that never ran imports into an empty in-memory store rather than creating its file.
  const store = dryRun && !existsSync(target) ? new SqlStore(await platform.openSqlite(":memory:")) : await platform.openStore(target);
  let result: ImportResult;
  try {
    result = applyImport(store, plan, { dryRun });
  } finally {
    store.close();
  }
  const source = { stateDir: sourceDir, database: openclawDatabasePath(sourceDir), schemaVersion: state.schemaVersion, ...(state.appVersion ? { appVersion: state.appVersion } : {}) };
  if (flags.json) {
    printJson({ ok: true, dryRun, source, target, counts: { imported: result.imported.length, unchanged: result.unchanged.length, skipped: result.skipped.length }, ...result });
    return EXIT.ok;
  }
  process.stdout.write(render(result, { dryRun, source: `${source.database} (OpenClaw ${state.appVersion ?? "?"}, schema v${state.schemaVersion})`, target }));
  return EXIT.ok;
}

function line(item: ImportItem): string[] {
  const head = `  ${item.kind.padEnd(22)} ${item.id}${item.label ? ` "${item.label}"` : ""}${item.reason ? `: ${item.reason}` : ""}`;
  return item.action ? [head, color.dim(`      → ${item.action}`)] : [head];
}

function render(r: ImportResult, o: { dryRun: boolean; source: string; target: string }): string {
  const out = [color.bold(o.dryRun ? "clawgate import openclaw (dry run: nothing written)" : "clawgate import openclaw"), color.dim(`  from ${o.source}`), color.dim(`  into ${o.target}`)];
  const section = (title: string, items: ImportItem[]) => {
    if (items.length === 0) return;
    out.push(title);
    for (const item of items) out.push(...line(item));
  };
  section(o.dryRun ? "Would import:" : "Imported:", r.imported);
  section("Already in clawgate (unchanged):", r.unchanged);
  section("Skipped:", r.skipped);
  out.push(`${r.imported.length} ${o.dryRun ? "to import" : "imported"}, ${r.unchanged.length} unchanged, ${r.skipped.length} skipped.`);
  if (!o.dryRun && r.imported.length === 0) out.push(color.dim("Nothing new: clawgate's database was not changed."));
  return out.join("\n") + "\n";
}
