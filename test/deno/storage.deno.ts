/**
 * Core's SQL store under Deno over Deno's own `node:sqlite`: the same cases
 * bun:test runs over bun:sqlite (test/core/storage/sql-store.cases.ts), so a
 * store change that only one binding accepts fails here.
 */
import { STORE_CASES } from "../core/storage/sql-store.cases.ts";
import { memoryDriver } from "./node-sqlite.ts";

for (const c of STORE_CASES) Deno.test(`SqlStore over node:sqlite: ${c.name}`, () => c.run(memoryDriver));
