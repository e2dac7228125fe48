/**
 * Watches `openclaw.json` for edits (spec §11 hot reload). Editors replace
 * files by rename, so the directory is watched and events are filtered by
 * name; a short settle delay lets write/rename churn finish before reading.
 */
import { watch, type FSWatcher } from "node:fs";
import { basename, dirname } from "node:path";

const SETTLE_MS = 150;

export interface ConfigWatcher {
  close(): void;
}

/** Calls `onChange` once per burst of changes to the file. */
export function watchConfig(path: string, onChange: () => void, onError: (error: Error) => void): ConfigWatcher {
  const name = basename(path);
  let timer: ReturnType<typeof setTimeout> | undefined;
  let watcher: FSWatcher | undefined;
  try {
    watcher = watch(dirname(path), { persistent: false }, (_event, file) => {
      if (file !== null && file !== name) return;
      clearTimeout(timer);
      timer = setTimeout(onChange, SETTLE_MS);
    });
    watcher.on("error", onError);
  } catch (error) {
    onError(error as Error);
  }
  return {
    close() {
      clearTimeout(timer);
      watcher?.close();
    },
  };
}
