/**
 * Applying a new `openclaw.json` to a running gateway (spec §11 hot reload):
 * invalid candidates are skipped with a log line naming the path and the
 * problem (the running config stays); in `hybrid` mode safe changes apply
 * live and listener/auth-mode changes restart in place; `off` applies
 * nothing. Runtime-agnostic.
 */
import type { Logger } from "../runtime.ts";
import { ConfigRefusal } from "./auth.ts";
import { formatConfigIssues, reloadMode, type ConfigSnapshot } from "./document.ts";
import { changedPaths } from "./object-path.ts";
import { planReload } from "./reload-plan.ts";
import type { OpenClawConfig } from "./schema.ts";

/** What the runtime does with an accepted config. */
export interface ReloadHooks {
  /**
   * Settings that only a restart can change (port, bind, effective auth mode),
   * as one comparable string; throws ConfigRefusal for a config that cannot run.
   */
  listenerKey(config: OpenClawConfig): string;
  /** Applies a config live: credentials, policies, logging, models. */
  hot(config: OpenClawConfig, changed: readonly string[]): void;
  /** Restarts the gateway in place to pick the config up. */
  restart(reason: string): void;
}

export type ReloadStatus = "unchanged" | "applied" | "restart" | "deferred" | "invalid";

export interface ReloadOutcome {
  status: ReloadStatus;
  changed: string[];
  problem?: string;
}

const SUBSYSTEM = "reload";

export class ConfigReloader {
  private lastRaw: string | null;
  private readonly reportedIgnored = new Set<string>();

  constructor(
    /** The snapshot the gateway runs; replaced on every accepted reload. */
    public current: ConfigSnapshot,
    private readonly hooks: ReloadHooks,
    private readonly logger: Logger,
  ) {
    this.lastRaw = current.raw;
    this.reportIgnored(current);
  }

  /** The config the gateway runs now. */
  get config(): OpenClawConfig {
    return this.current.config ?? {};
  }

  /** Reports keys clawgate does not read, once per key per process (issue 4). */
  private reportIgnored(snapshot: ConfigSnapshot): void {
    const fresh = snapshot.ignored.filter((p) => !this.reportedIgnored.has(p));
    if (fresh.length === 0) return;
    for (const p of fresh) this.reportedIgnored.add(p);
    this.logger.info("config", `ignoring ${fresh.length} config key(s) clawgate does not read (kept in the file): ${fresh.join(", ")}`, { path: snapshot.path, keys: fresh });
  }

  /**
   * Considers a freshly read file. The same text twice is a no-op, so a write
   * applied over RPC is not applied again when the watcher sees it.
   */
  consider(next: ConfigSnapshot): ReloadOutcome {
    if (next.raw === this.lastRaw && next.raw !== null) return { status: "unchanged", changed: [] };
    this.lastRaw = next.raw;
    if (!next.valid || !next.config) {
      const problem = formatConfigIssues(next.issues);
      // §11: an invalid edit never takes the gateway down; the running config stays.
      this.logger.error(SUBSYSTEM, `config reload skipped (invalid config): ${next.path}: ${problem}`, { path: next.path, problem });
      return { status: "invalid", changed: [], problem };
    }
    const changed = changedPaths(this.current.resolved ?? {}, next.resolved ?? {}, { leaves: true });
    if (changed.length === 0) {
      this.current = next;
      return { status: "unchanged", changed };
    }
    this.reportIgnored(next);
    let restartNeeded: boolean;
    try {
      restartNeeded = this.hooks.listenerKey(next.config) !== this.hooks.listenerKey(this.config);
    } catch (error) {
      if (!(error instanceof ConfigRefusal)) throw error;
      this.logger.error(SUBSYSTEM, `config reload skipped (invalid config): ${next.path}: ${error.message}`, { path: next.path, problem: error.message });
      return { status: "invalid", changed, problem: error.message };
    }
    this.logger.info(SUBSYSTEM, `config change detected; evaluating reload (${changed.join(", ")})`, { changed });
    if (reloadMode(next.config) === "off") {
      this.logger.warn(SUBSYSTEM, "gateway.reload.mode is off; restart the gateway to apply the change", { changed });
      return { status: "deferred", changed };
    }
    const plan = planReload(changed, new Set(next.ignored));
    if (restartNeeded || plan.restart.length > 0) {
      const why = plan.restart.length > 0 ? plan.restart : changed;
      this.logger.info(SUBSYSTEM, `config change requires gateway restart (${why.join(", ")})`, { changed: why });
      this.current = next;
      this.hooks.restart(`config reload: ${why.join(", ")}`);
      return { status: "restart", changed };
    }
    this.current = next;
    this.hooks.hot(next.config, changed);
    this.logger.info(SUBSYSTEM, `config hot reload applied (${changed.join(", ")})`, { changed });
    return { status: "applied", changed };
  }
}
