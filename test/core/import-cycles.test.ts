/**
 * core/ has no import cycle, type-only imports included: a module that needs
 * the gateway's services receives them (core/rpc/services.ts) instead of
 * importing core/gateway.ts back.
 */
import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

const CORE = join(import.meta.dir, "../../core");

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith(".ts") ? [path] : [];
  });
}

/** Relative import specifiers of a module: static, type-only, re-exports and dynamic. */
function relativeImports(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/(?:import|export)\s[^'"]*?from\s+["'](\.[^"']+)["']|import\(\s*["'](\.[^"']+)["']\s*\)|^import\s+["'](\.[^"']+)["']/gm)) {
    out.push((m[1] ?? m[2] ?? m[3])!);
  }
  return out;
}

/** Module -> the modules it imports, as paths relative to `root`. */
export function importGraph(root: string, files: Record<string, string>): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const [file, text] of Object.entries(files)) {
    graph.set(file, relativeImports(text).map((spec) => relative(root, resolve(root, dirname(file), spec))));
  }
  return graph;
}

/** Every cycle's modules in import order, one cycle per strongly connected group (Tarjan). */
export function cycles(graph: Map<string, string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const group = new Set<string>();
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      group.add(w);
    } while (w !== v);
    if (group.size > 1 || graph.get(v)!.includes(v)) found.push(pathThrough(graph, v, group));
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

/** One concrete cycle from `start` back to it inside `group`, to print (breadth-first: the shortest). */
function pathThrough(graph: Map<string, string[]>, start: string, group: Set<string>): string[] {
  const from = new Map<string, string>();
  const queue = [start];
  for (let i = 0; i < queue.length; i++) {
    const v = queue[i]!;
    for (const w of graph.get(v) ?? []) {
      if (w === start) {
        const path = [v];
        while (path[0] !== start) path.unshift(from.get(path[0]!)!);
        return [...path, start];
      }
      if (group.has(w) && !from.has(w)) {
        from.set(w, v);
        queue.push(w);
      }
    }
  }
  return [start, start];
}

describe("core import graph", () => {
  test("core/ has no import cycle", () => {
    const files = Object.fromEntries(sources(CORE).map((f) => [relative(CORE, f), readFileSync(f, "utf8")]));
    const graph = importGraph(".", files);
    expect(graph.size).toBeGreaterThan(50);
    expect(cycles(graph).map((c) => c.join(" -> "))).toEqual([]);
  });

  test("the scanner reports a cycle through a type-only import, with its path (control)", () => {
    const graph = importGraph(".", {
      "gateway.ts": 'import { systemMethods } from "./rpc/methods/system.ts";\nimport { x } from "./leaf.ts";',
      "rpc/methods/system.ts": 'import { statusSummary } from "../../status.ts";',
      "status.ts": 'import type { Gateway } from "./gateway.ts";',
      "leaf.ts": "export const x = 1;",
      "self.ts": 'export * from "./self.ts";',
    });
    expect(cycles(graph).map((c) => c.join(" -> ")).sort()).toEqual([
      "gateway.ts -> rpc/methods/system.ts -> status.ts -> gateway.ts",
      "self.ts -> self.ts",
    ]);
  });
});
