/**
 * `plugins.list` (upstream's PluginsListResult): clawgate loads no plugins
 * and installs none, so the catalog is empty and mutation is not allowed,
 * which the Plugins, Channels and Memory pages show as such rather than as
 * an error. Runtime-agnostic.
 */
import { method, noParams } from "../router.ts";

export function pluginMethods() {
  return [method("plugins.list", noParams, () => ({ plugins: [], diagnostics: [], mutationAllowed: false }))];
}
