/**
 * The gateway's view of its config file: read a snapshot, hash it, write a
 * validated candidate through the clobber guard, and hand accepted files to
 * the reloader. File I/O is the shim's (ConfigStorage). Runtime-agnostic.
 */
import type { ConfigHasher } from "./hash.ts";
import { parseConfigText, snapshotConfig, type ConfigSnapshot } from "./document.ts";
import type { Env } from "./paths.ts";
import type { ConfigReloader, ReloadOutcome } from "./reloader.ts";

export type WriteOutcome = { ok: true } | { ok: false; message: string; rejectedPath?: string };

/** The config file as the shim stores it. */
export interface ConfigStorage {
  readonly path: string;
  /** The file text, or null when there is no file. */
  read(): string | null;
  /** Atomic, fsynced write with a `.bak` ring, refused by the clobber guard (§11). */
  write(text: string): WriteOutcome;
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

  /** Persists a validated candidate. */
  write(text: string): WriteOutcome {
    return this.options.storage.write(text);
  }

  /** Applies what is now on disk (or the given snapshot) to the running gateway. */
  apply(snapshot: ConfigSnapshot = this.read()): ReloadOutcome {
    return this.options.reloader.consider(snapshot);
  }
}
