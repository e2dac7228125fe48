/**
 * The host's transform loader (upstream docs/gateway/config-hooks.md
 * `transformsDir`, `transform.module`) over real files and symlinks in a
 * temporary config dir: what lies inside the transforms root loads, what
 * leads out of it (by path or through a link, for the module and for
 * `hooks.transformsDir`) is refused with upstream's text before it is
 * imported, export resolution, and a new version reading the file again.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { hookTransformLoader } from "../../../runtime-bun/host/hook-transforms.ts";
import { bunPlatform } from "../../../runtime-bun/platform.ts";
import type { HookContext } from "../../../core/hooks/templates.ts";

let dir: string;
let root: string;
let outside: string;
const ctx: HookContext = { payload: { n: 1 }, headers: {}, url: new URL("http://127.0.0.1/hooks/x"), path: "x" };

beforeAll(() => {
  // A '#' and a space in the path, which a URL would misread unescaped.
  dir = mkdtempSync(join(tmpdir(), "clawgate transforms #"));
  root = join(dir, "hooks", "transforms");
  outside = join(dir, "outside");
  mkdirSync(join(root, "team"), { recursive: true });
  mkdirSync(outside);
  writeFileSync(join(root, "plain.mjs"), "export default () => ({ message: 'default' });\nexport const shape = () => ({ message: 'named' });\nexport const notFn = 1;\n");
  writeFileSync(join(root, "fallback.mjs"), "export const transform = () => ({ message: 'fallback' });\n");
  writeFileSync(join(root, "none.mjs"), "export const value = 1;\n");
  writeFileSync(join(root, "team", "t.mjs"), "export default () => ({ message: 'team' });\n");
  writeFileSync(join(outside, "evil.mjs"), "import { writeFileSync } from 'node:fs';\nwriteFileSync(new URL('./ran', import.meta.url), 'yes');\nexport default () => null;\n");
  symlinkSync(outside, join(root, "out"));
  symlinkSync(join(outside, "evil.mjs"), join(root, "evil-link.mjs"));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const loader = () => hookTransformLoader(join(dir, "openclaw.json"), bunPlatform.importModule);
const run = async (request: Parameters<ReturnType<typeof hookTransformLoader>["load"]>[0]) => (await loader().load(request))(ctx);

describe("hook transform loader", () => {
  test("default export, a named one, `transform` as the fallback, a nested transformsDir", async () => {
    expect(await run({ module: "plain.mjs", version: 1 })).toEqual({ message: "default" });
    expect(await run({ module: "plain.mjs", exportName: "shape", version: 1 })).toEqual({ message: "named" });
    expect(await run({ module: "fallback.mjs", version: 1 })).toEqual({ message: "fallback" });
    expect(await run({ module: "t.mjs", transformsDir: "team", version: 1 })).toEqual({ message: "team" });
    expect(await run({ module: "t.mjs", transformsDir: join(root, "team"), version: 1 })).toEqual({ message: "team" });
  });

  test("a module without the function -> upstream's text; a named export must be a function", async () => {
    await expect(run({ module: "none.mjs", version: 1 })).rejects.toThrow("hook transform module must export a function");
    await expect(run({ module: "plain.mjs", exportName: "notFn", version: 1 })).rejects.toThrow("hook transform module must export a function");
    await expect(run({ module: "plain.mjs", exportName: "missing", version: 1 })).rejects.toThrow("hook transform module must export a function");
  });

  test("paths and links out of the root are refused before anything is imported", async () => {
    const refusals: [Parameters<ReturnType<typeof hookTransformLoader>["load"]>[0], string][] = [
      [{ module: "../outside/evil.mjs", version: 1 }, `Hook transform module path must be within ${root}: ../outside/evil.mjs`],
      [{ module: join(outside, "evil.mjs"), version: 1 }, `Hook transform module path must be within ${root}: ${join(outside, "evil.mjs")}`],
      [{ module: "out/evil.mjs", version: 1 }, `Hook transform module path must be within ${root}: out/evil.mjs`],
      [{ module: "evil-link.mjs", version: 1 }, `Hook transform module path must be within ${root}: evil-link.mjs`],
      [{ module: "evil.mjs", transformsDir: "../../outside", version: 1 }, `Hook transformsDir module path must be within ${root}: ../../outside`],
      [{ module: "evil.mjs", transformsDir: "out", version: 1 }, `Hook transformsDir module path must be within ${root}: out`],
      [{ module: "evil.mjs", transformsDir: outside, version: 1 }, `Hook transformsDir module path must be within ${root}: ${outside}`],
    ];
    for (const [request, message] of refusals) await expect(run(request)).rejects.toThrow(message);
    expect(existsSync(join(outside, "ran"))).toBe(false);
  });

  test("a missing module inside the root is not found (not refused)", async () => {
    await expect(run({ module: "later/new.mjs", version: 1 })).rejects.toThrow(/Cannot find module|not found/i);
  });

  test("the same version is the module already read; a new version reads the file again", async () => {
    writeFileSync(join(root, "edit.mjs"), "export default () => 'one';\n");
    expect(await run({ module: "edit.mjs", version: 7 })).toBe("one");
    writeFileSync(join(root, "edit.mjs"), "export default () => 'two';\n");
    expect(await run({ module: "edit.mjs", version: 7 })).toBe("one");
    expect(await run({ module: "edit.mjs", version: 8 })).toBe("two");
  });
});
