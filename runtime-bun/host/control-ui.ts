/**
 * The Control UI's files for core/http/control-ui.ts on both runtimes: the
 * built-in build (loaded with the first page request) and files under
 * `gateway.controlUi.root`, read only when they resolve inside it.
 */
import { realpath, readFile, stat } from "node:fs/promises";
import { join, sep } from "node:path";
import type { ControlUiHost } from "../../core/http/control-ui.ts";

/**
 * `rel` under `root`, refusing what resolves outside it through links and, as
 * upstream does for a configured root, hard-linked files (a link made
 * elsewhere could expose any file the gateway can read).
 */
async function readUnder(root: string, rel: string): Promise<Uint8Array | undefined> {
  try {
    const base = await realpath(root);
    const file = await realpath(join(base, rel));
    if (!file.startsWith(base + sep)) return undefined;
    const info = await stat(file);
    if (!info.isFile() || info.nlink > 1) return undefined;
    return new Uint8Array(await readFile(file));
  } catch {
    return undefined;
  }
}

export const controlUiHost: ControlUiHost = {
  builtIn: async () => new Map(Object.entries((await import("./ui-assets.ts")).CONTROL_UI_FILES)),
  readFile: readUnder,
};
