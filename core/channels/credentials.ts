/**
 * `channels.logout` for token channels, as upstream's: the account's
 * credential keys are removed from `openclaw.json` (an environment token
 * stays, and keeps the account logged in). Runtime-agnostic.
 */
import { serializeConfig } from "../config/document.ts";
import { hasAt, unsetAt, type PathSegment } from "../config/object-path.ts";
import type { ConfigService } from "../config/service.ts";
import { unavailable } from "../protocol/errors.ts";

/** Removes every present path from the config file and applies the result; false when none was there. */
export function clearConfigPaths(service: ConfigService, paths: readonly (readonly PathSegment[])[]): boolean {
  const snapshot = service.read();
  if (!snapshot.parsed) return false;
  let next: unknown = snapshot.parsed;
  let changed = false;
  for (const path of paths) {
    if (!hasAt(next, path)) continue;
    next = unsetAt(next, path);
    changed = true;
  }
  if (!changed) return false;
  const outcome = service.write(serializeConfig(next), snapshot.raw);
  if (!outcome.ok) throw unavailable(`config not written: ${outcome.message}`);
  service.apply();
  return true;
}
