/**
 * core/ must run unchanged on Bun, Node and Deno: Web APIs and the allowed
 * packages only (design card).
 */
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { code, imports, sources } from "../harness/source-scan.ts";

const CORE = join(import.meta.dir, "../../core");
const ALLOWED_PACKAGES = new Set(["hono", "zod", "tweetnacl", "json5", "dns-packet", "croner", "@msgpack/msgpack"]);
// web_fetch's HTML extraction: pure JavaScript, loaded on the first HTML page (core/tools/readable.ts).
for (const pkg of ["@mozilla/readability", "linkedom"]) ALLOWED_PACKAGES.add(pkg);
// Discord's and Slack's official clients: built on node: APIs (ws, undici) that Bun, Node and Deno all provide;
// test/deno/discord-slack.deno.ts runs them under Deno (package.json test:deno names the env switches they read).
for (const pkg of ["@discordjs/rest", "@discordjs/ws", "discord-api-types", "@slack/socket-mode", "@slack/web-api"]) ALLOWED_PACKAGES.add(pkg);
// The Telegram adapter's Bot API client (the design card's own example) in its Web build: fetch only, no Node shims.
const ALLOWED_SPECIFIERS = new Set(["grammy/web"]);
const RUNTIME_GLOBALS = /\b(Bun|Deno)\.|\bprocess\.|\bBuffer\.|\brequire\(|__dirname|__filename/;

export function violations(file: string, text: string): string[] {
  const out: string[] = [];
  for (const spec of imports(text)) {
    if (spec.startsWith(".")) {
      if (!spec.endsWith(".ts")) out.push(`${file}: relative import without .ts: ${spec}`);
      if (spec.includes("runtime-")) out.push(`${file}: imports a runtime shim: ${spec}`);
    } else if (!ALLOWED_SPECIFIERS.has(spec)) {
      const pkg = spec.startsWith("@") ? spec.split("/").slice(0, 2).join("/") : spec.split("/")[0]!;
      if (!ALLOWED_PACKAGES.has(pkg)) out.push(`${file}: imports ${spec}`);
    }
  }
  const m = RUNTIME_GLOBALS.exec(code(text));
  if (m) out.push(`${file}: uses runtime global ${m[0]}`);
  return out;
}

describe("core purity", () => {
  test("every core module imports only Web-safe packages and relative .ts files", () => {
    const found = sources(CORE).flatMap((f) => violations(relative(CORE, f), readFileSync(f, "utf8")));
    expect(found).toEqual([]);
  });

  test("the scanner catches each kind of violation (control)", () => {
    expect(violations("x.ts", 'import { readFileSync } from "node:fs";')).toHaveLength(1);
    expect(violations("x.ts", 'import { Database } from "bun:sqlite";')).toHaveLength(1);
    expect(violations("x.ts", 'import { x } from "./y";')).toHaveLength(1);
    expect(violations("x.ts", 'import { s } from "../runtime-bun/server.ts";')).toHaveLength(1);
    expect(violations("x.ts", "const v = process.env.HOME;")).toHaveLength(1);
    expect(violations("x.ts", "await Bun.sleep(1);")).toHaveLength(1);
    expect(violations("x.ts", 'import { Api } from "grammy";')).toHaveLength(1);
    expect(violations("x.ts", 'import { Api } from "grammy/web";')).toEqual([]);
    expect(violations("x.ts", '// Bun.serve is the shim\'s business\nimport { z } from "zod";')).toEqual([]);
  });
});
