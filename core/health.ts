/**
 * The health snapshot (spec §6 `health`, §7): cached for up to 60 s unless a
 * probe asks, versioned, and broadcast when its content changes; its body is
 * core/status.ts's, and every answer carries the event loop as of its last beat.
 * Runtime-agnostic.
 */
import { EventLoopMonitor } from "./event-loop.ts";

/** What the health snapshot is built from and where a changed one goes. */
export interface HealthHost {
  now(): number;
  /** CPU time the process has used, in microseconds (event-loop utilization). */
  cpuMicros(): number;
  /** The snapshot's body (core/status.ts's `healthBody`). */
  body(): Record<string, unknown>;
  /** The snapshot's content changed: the gateway broadcasts it (§7). */
  changed(): void;
}

const CACHE_MS = 60_000;

export class Health {
  /** `stateVersion.health`. */
  version = 1;
  readonly eventLoop: EventLoopMonitor;
  private cached?: { at: number; snapshot: Record<string, unknown>; key: string };

  constructor(private readonly host: HealthHost) {
    this.eventLoop = new EventLoopMonitor(() => host.now(), () => host.cpuMicros());
  }

  /** The snapshot; rebuilt when older than 60 s or when `probe` asks. */
  get(probe = false): Record<string, unknown> {
    const now = this.host.now();
    const snapshot = !probe && this.cached && now - this.cached.at < CACHE_MS ? this.cached.snapshot : this.refresh();
    // The cached object carries the event loop as of the last beat; no copy on this path.
    snapshot.eventLoop = this.eventLoop.current;
    return snapshot;
  }

  /** Rebuilds the snapshot and broadcasts it when its content changed. */
  refresh(): Record<string, unknown> {
    const started = this.host.now();
    const body = this.host.body();
    const snapshot: Record<string, unknown> = { ok: true, ts: started, durationMs: this.host.now() - started, ...body };
    // Session ages grow by themselves; only real changes count.
    const key = JSON.stringify(body, (k, v) => (k === "age" ? undefined : v));
    const changed = this.cached !== undefined && this.cached.key !== key;
    this.cached = { at: this.host.now(), snapshot, key };
    if (changed) {
      this.version++;
      this.host.changed();
    }
    return snapshot;
  }
}
