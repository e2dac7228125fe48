/**
 * Key tries from JSON schemas: maps become `*`, arrays `[]`, the empty schema
 * is free-form, and the shipped upstream list is what the installed
 * `openclaw config schema` derives to (so it cannot go stale silently).
 */
import { describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ANY, checkPath, LEAF, nearestKey, trieOfSchema, type KeySchema } from "../../../core/config/key-trie.ts";
import { UPSTREAM_KEYS } from "../../../core/config/upstream-keys.ts";
import { NODE_BIN, OPENCLAW_BIN, openclawCliAvailable, SKIP_MESSAGE } from "../../harness/openclaw-cli.ts";

const schema: KeySchema = {
  type: "object",
  additionalProperties: false,
  properties: {
    port: { type: "number" },
    providers: { type: "object", additionalProperties: { type: "object", additionalProperties: false, properties: { baseUrl: { type: "string" } } } },
    list: { type: "array", items: { type: "object", additionalProperties: false, properties: { id: { type: "string" } } } },
    free: {},
    loose: { type: "object", properties: { known: { type: "string" } }, additionalProperties: {} },
  },
};

describe("key trie", () => {
  test("objects, maps, arrays and free-form nodes", () => {
    expect(trieOfSchema(schema)).toEqual({ port: LEAF, providers: { "*": { baseUrl: LEAF } }, list: { "[]": { id: LEAF } }, free: ANY, loose: { known: LEAF, "*": ANY } });
    // clawgate's own schema keeps unknown keys only to preserve them: its catch-alls are not knowledge.
    expect((trieOfSchema(schema, true) as Record<string, unknown>).loose).toEqual({ known: LEAF });
  });

  test("paths: known, typo with siblings, below a value", () => {
    const trie = trieOfSchema(schema);
    expect(checkPath(trie, ["providers", "ollama", "baseUrl"])).toEqual({ known: true });
    expect(checkPath(trie, ["list", 0, "id"])).toEqual({ known: true });
    expect(checkPath(trie, ["list", "0", "id"])).toEqual({ known: true });
    expect(checkPath(trie, ["free", "a", "b"])).toEqual({ known: true });
    expect(checkPath(trie, ["providers", "x", "baseUrk"])).toEqual({ known: false, depth: 2, siblings: ["baseUrl"] });
    expect(checkPath(trie, ["port", "x"])).toEqual({ known: false, depth: 1, siblings: [] });
    expect(checkPath(trie, ["constructor"])).toMatchObject({ known: false, depth: 0 });
  });

  test("did-you-mean picks a near key and nothing far", () => {
    expect(nearestKey("bnd", ["port", "bind", "mode"])).toBe("bind");
    expect(nearestKey("tokn", ["token", "password"])).toBe("token");
    expect(nearestKey("foo", ["gateway", "models"])).toBeUndefined();
  });

  test("the shipped upstream key list equals what the installed openclaw's schema derives to", async () => {
    if (!openclawCliAvailable()) return console.warn(SKIP_MESSAGE);
    const home = mkdtempSync(join(tmpdir(), "clawgate-schema-"));
    try {
      const proc = Bun.spawn([OPENCLAW_BIN, "config", "schema"], { env: { PATH: `${NODE_BIN}:${process.env.PATH}`, HOME: home, NO_COLOR: "1" }, stdout: "pipe", stderr: "ignore" });
      const text = await new Response(proc.stdout).text();
      expect(await proc.exited).toBe(0);
      expect(trieOfSchema(JSON.parse(text))).toEqual(UPSTREAM_KEYS);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  }, 60_000);
});
