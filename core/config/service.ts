/**
 * The gateway's view of its config file: read a snapshot, hash it, write a
 * validated candidate through the clobber guard, and hand accepted files to
 * the reloader. File I/O is the shim's (ConfigStorage). Runtime-agnostic.
 */
import type { ConfigHasher } from "./hash.ts";
import { parseConfigText, snapshotConfig, type ConfigSnapshot } from "./document.ts";
import type { Env } from "./paths.ts";
import type { ConfigReloader, ReloadOutcome } from "./reloader.ts";

/** Upstream's text for an edit based on a file that has changed since (§6). */
export const CONFIG_CONFLICT_MESSAGE = "config changed since last load; re-run config.get and retry";

/** `conflict`: the file changed after the edit's base was read (or another writer holds the lock). */
export type WriteOutcome = { ok: true } | { ok: false; message: string; rejectedPath?: string; conflict?: boolean };

/** The config file as the shim stores it. */
export interface ConfigStorage {
  readonly path: string;
  /** The file text, or null when there is no file. */
  read(): string | null;
  /**
   * Atomic, fsynced write with a `.bak` ring, refused by the clobber guard
   * (§11), and refused as a conflict unless the file still holds `seen`, the
   * text the edit was based on, at the moment it is replaced.
   */
  write(text: string, seen: string | null): WriteOutcome;
}

export interface ConfigServiceOptions {
  storage: ConfigStorage;
  hasher: ConfigHasher;
  /** The environment `${VAR}` resolves against, given the authored config (its `env.vars`). */
  envFor(parsed: Record<string, unknown> | null): Env;
  reloader: ConfigReloader;
}

export class ConfigService {
  constructor(readonly options: ConfigServiceOptions) {}

  get path(): string {
    return this.options.storage.path;
  }

  /** A snapshot of text that may not be on disk (a candidate write). */
  snapshotOf(raw: string | null): ConfigSnapshot {
    const parsed = raw === null ? null : parseConfigText(raw);
    return snapshotConfig(this.path, raw, this.options.envFor(parsed?.ok ? parsed.value : null));
  }

  /** The file as it is now. */
  read(): ConfigSnapshot {
    return this.snapshotOf(this.options.storage.read());
  }

  /** The config the gateway runs. */
  applied(): ConfigSnapshot {
    return this.options.reloader.current;
  }

  hashRaw(raw: string | null): Promise<string> {
    return this.options.hasher.raw(raw);
  }

  hashResolved(value: unknown): Promise<string> {
    return this.options.hasher.resolved(value);
  }

  /** Persists a validated candidate derived from `seen`. */
  write(text: string, seen: string | null): WriteOutcome {
    return this.options.storage.write(text, seen);
  }

  /** Applies what is now on disk (or the given snapshot) to the running gateway. */
  apply(snapshot: ConfigSnapshot = this.read()): ReloadOutcome {
    return this.options.reloader.consider(snapshot);
  }
}
