/**
 * `plugins.list` (upstream's PluginsListResult) and `plugins.catalog.browse`:
 * clawgate loads no plugins and installs none, so both catalogs are empty
 * and mutation is not allowed,
 * which the Plugins, Channels and Memory pages show as such rather than as
 * an error. Runtime-agnostic.
 */
import { z } from "../../zod.ts";
import { method, noParams } from "../router.ts";

const browseParams = z.lazy(() => z.strictObject({
  query: z.optional(z.string().check(z.maxLength(200))),
  searchSource: z.optional(z.literal("openclaw-control-ui")),
  intent: z.optional(z.enum(["all", "bundled", "trending", "official", "featured"])),
  category: z.optional(z.string().check(z.minLength(1), z.maxLength(64), z.regex(/^[a-z][a-z0-9-]*$/))),
  cursor: z.optional(z.string().check(z.minLength(1), z.maxLength(4096))),
  pageSize: z.optional(z.int().check(z.gte(1), z.lte(100))),
}));

export function pluginMethods() {
  return [
    method("plugins.list", noParams, () => ({ plugins: [], diagnostics: [], mutationAllowed: false })),
    method("plugins.catalog.browse", browseParams, () => ({ items: [] })),
  ];
}
