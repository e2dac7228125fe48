/**
 * Hook mapping transforms from disk (upstream docs/gateway/config-hooks.md
 * `transformsDir`, `transform.module`): the transforms root is
 * `<config-dir>/hooks/transforms`; `hooks.transformsDir` may only name a
 * folder inside it, and a module must lie inside that folder, by its path and
 * by its real path (a symlink out is refused), with upstream's texts. The
 * runtime imports it under the settings' version, so a reload reads it
 * again. Shared host glue (Bun and Node).
 */
import { existsSync, realpathSync } from "node:fs";
import { dirname, isAbsolute, relative, resolve, sep } from "node:path";
import type { HookTransform, HookTransformLoader } from "../../core/hooks/mappings.ts";

function inside(base: string, candidate: string): boolean {
  const rel = relative(base, candidate);
  return rel === "" || (!rel.startsWith(`..${sep}`) && rel !== ".." && !isAbsolute(rel));
}

function realpath(path: string): string | null {
  try {
    return realpathSync.native(path);
  } catch {
    return null;
  }
}

/** The nearest part of `path` that exists (the path itself when it does). */
function existingAncestor(path: string): string | null {
  for (let current = path; ; current = dirname(current)) {
    if (existsSync(current)) return current;
    if (dirname(current) === current) return null;
  }
}

/** `target` under `base`, refused when it leads out of it lexically or through a link. */
function contained(base: string, target: string, label: string): string {
  const resolved = resolve(base, target);
  const refuse = () => new Error(`${label} module path must be within ${base}: ${target}`);
  if (!inside(base, resolved)) throw refuse();
  const baseReal = realpath(base);
  const ancestor = existingAncestor(resolved);
  const ancestorReal = ancestor ? realpath(ancestor) : null;
  if (baseReal && ancestorReal && !inside(baseReal, ancestorReal)) throw refuse();
  return resolved;
}

/** The function a module exports: the named export (it must be one), else `default`, else `transform`. */
function transformOf(mod: Record<string, unknown>, exportName: string | undefined): HookTransform {
  const candidates = exportName ? [mod[exportName]] : [mod.default, mod.transform];
  const fn = candidates.find((c) => typeof c === "function");
  if (!fn) throw new Error("hook transform module must export a function");
  return fn as HookTransform;
}

/** The transform loader of the config file at `configPath`, importing with the runtime's `importModule`. */
export function hookTransformLoader(configPath: string, importModule: (path: string, version: number) => Promise<Record<string, unknown>>): HookTransformLoader {
  const root = resolve(dirname(configPath), "hooks", "transforms");
  return {
    async load({ transformsDir, module, exportName, version }) {
      const dir = transformsDir ? contained(root, transformsDir, "Hook transformsDir") : root;
      const file = contained(dir, module, "Hook transform");
      return transformOf(await importModule(file, version), exportName);
    },
  };
}
