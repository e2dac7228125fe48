/**
 * runtime-bun/host/ is the host code both runtimes run (CLI, service manager,
 * config files, logs, mDNS): no Bun global or Bun-only import.meta field, no
 * `bun` / `bun:` import, and nothing outside host/ and core/ (the Bun shim
 * beside it stays out). runtime-node/ reaches into runtime-bun/ only through
 * host/.
 */
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { code, imports, sources } from "../../harness/source-scan.ts";

const ROOT = resolve(import.meta.dir, "../../..");
const HOST = join(ROOT, "runtime-bun", "host");
const CORE = join(ROOT, "core");
const RUNTIME_BUN = join(ROOT, "runtime-bun");
const BUN_ONLY = /\bBun\.|\bimport\.meta\.(dir|file|path)\b/;

const inside = (path: string, dir: string) => path.startsWith(dir + sep);

/** What keeps the host module at `file` (absolute path) from running on Node. */
export function hostViolations(file: string, text: string): string[] {
  const out: string[] = [];
  const name = relative(ROOT, file);
  for (const spec of imports(text)) {
    if (spec === "bun" || spec.startsWith("bun:")) out.push(`${name}: imports ${spec}`);
    if (!spec.startsWith(".")) continue;
    const target = resolve(dirname(file), spec);
    if (!inside(target, HOST) && !inside(target, CORE) && target !== join(ROOT, "package.json")) out.push(`${name}: imports ${spec} from outside host/ and core/`);
  }
  const m = BUN_ONLY.exec(code(text));
  if (m) out.push(`${name}: uses ${m[0]}`);
  return out;
}

/** runtime-node/ imports of runtime-bun/ that bypass host/. */
export function nodeShimViolations(file: string, text: string): string[] {
  return imports(text)
    .filter((spec) => spec.startsWith("."))
    .map((spec) => resolve(dirname(file), spec))
    .filter((target) => inside(target, RUNTIME_BUN) && !inside(target, HOST))
    .map((target) => `${relative(ROOT, file)}: imports ${relative(ROOT, target)}, which is not in runtime-bun/host/`);
}

const check = (violations: (file: string, text: string) => string[], dir: string) =>
  sources(dir).flatMap((f) => violations(f, readFileSync(f, "utf8")));

describe("shared host folder", () => {
  test("every runtime-bun/host module is free of Bun.* and bun imports and stays inside host/ and core/", () => {
    expect(sources(HOST).length).toBeGreaterThan(40);
    expect(check(hostViolations, HOST)).toEqual([]);
  });

  test("runtime-node imports from runtime-bun/host only", () => {
    expect(check(nodeShimViolations, join(ROOT, "runtime-node"))).toEqual([]);
  });

  test("the scanners catch each kind of violation (control)", () => {
    const at = join(HOST, "cli", "x.ts");
    expect(hostViolations(at, "await Bun.sleep(1);")).toEqual(["runtime-bun/host/cli/x.ts: uses Bun."]);
    expect(hostViolations(at, "const here = import.meta.dir;")).toHaveLength(1);
    expect(hostViolations(at, 'import { Database } from "bun:sqlite";')).toHaveLength(1);
    expect(hostViolations(at, 'import type { Server } from "bun";')).toHaveLength(1);
    expect(hostViolations(at, 'const { serveGateway } = await import("../../server.ts");')).toHaveLength(1);
    expect(hostViolations(at, 'import { main } from "./main.ts";\nimport { Gateway } from "../../../core/gateway.ts";\n// Bun.serve lives in the shim')).toEqual([]);
    const nodeFile = join(ROOT, "runtime-node", "server.ts");
    expect(nodeShimViolations(nodeFile, 'import type { ServeOptions } from "../runtime-bun/server.ts";')).toHaveLength(1);
    expect(nodeShimViolations(nodeFile, 'import type { ServeOptions } from "../runtime-bun/host/platform.ts";')).toEqual([]);
  });
});
