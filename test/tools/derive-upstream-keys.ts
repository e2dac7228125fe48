/**
 * Derives `core/config/upstream-keys.ts`, the key paths upstream's config
 * schema knows, from the installed `openclaw` CLI's `openclaw config schema`
 * (JSON schema, 2.4 MB) into a compact trie that clawgate ships as data.
 * Run after `npm run test:openclaw-cli` installed the CLI:
 *
 *     bun test/tools/derive-upstream-keys.ts
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { NODE_BIN, OPENCLAW_BIN, OPENCLAW_VERSION, openclawCliAvailable, SKIP_MESSAGE } from "../harness/openclaw-cli.ts";
import { trieOfSchema, type KeySchema } from "../../core/config/key-trie.ts";

if (!openclawCliAvailable()) {
  process.stderr.write(`${SKIP_MESSAGE}\n`);
  process.exit(1);
}
const home = mkdtempSync(join(tmpdir(), "clawgate-schema-"));
try {
  const proc = Bun.spawn([OPENCLAW_BIN, "config", "schema"], { env: { PATH: `${NODE_BIN}:${process.env.PATH}`, HOME: home, NO_COLOR: "1" }, stdout: "pipe", stderr: "inherit" });
  const text = await new Response(proc.stdout).text();
  if ((await proc.exited) !== 0) throw new Error("openclaw config schema failed");
  const trie = trieOfSchema(JSON.parse(text) as KeySchema);
  const out = join(import.meta.dir, "../../core/config/upstream-keys.ts");
  writeFileSync(out, [
    "/**",
    ` * Config key paths upstream openclaw@${OPENCLAW_VERSION} knows, derived from its \`openclaw config schema\``,
    " * by test/tools/derive-upstream-keys.ts (do not edit by hand). A trie: `*` any map key, `[]` array items,",
    " * 0 a value, 1 free-form below. Runtime-agnostic data.",
    " */",
    'import type { KeyTrie } from "./key-trie.ts";',
    "",
    `export const UPSTREAM_VERSION = ${JSON.stringify(OPENCLAW_VERSION)};`,
    "",
    `export const UPSTREAM_KEYS: KeyTrie = ${JSON.stringify(trie)};`,
    "",
  ].join("\n"));
  process.stderr.write(`wrote ${out}\n`);
} finally {
  rmSync(home, { recursive: true, force: true });
}
