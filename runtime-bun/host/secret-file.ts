/**
 * Secret files read as config is read (a channel's `tokenFile`), on `node:fs`
 * for Bun and Node alike: only a regular file; a symlink is refused, as
 * upstream does, since it could point the gateway at any file.
 */
import { lstatSync, readFileSync } from "node:fs";
import type { SecretFileReader } from "../../core/runtime.ts";

export const readSecretFile: SecretFileReader = (path) => {
  try {
    if (!lstatSync(path).isFile()) return { problem: "not-regular-file" };
    return { text: readFileSync(path, "utf8") };
  } catch (error) {
    return { problem: (error as NodeJS.ErrnoException).code ?? String(error) };
  }
};
