/**
 * The health snapshot (spec §6 `health`, §7): cached for up to 60 s unless a
 * probe asks, versioned, and broadcast when its content changes; its body is
 * core/status.ts's, and every answer carries the event loop as of its last beat.
 * Runtime-agnostic.
 */
import { EventLoopMonitor } from "./event-loop.ts";
import type { Gateway } from "./gateway.ts";
import { healthBody } from "./status.ts";

const CACHE_MS = 60_000;

export class Health {
  /** `stateVersion.health`. */
  version = 1;
  readonly eventLoop: EventLoopMonitor;
  private cached?: { at: number; snapshot: Record<string, unknown>; key: string };

  constructor(private readonly gw: Gateway) {
    this.eventLoop = new EventLoopMonitor(gw.now, () => gw.options.host.cpuMicros());
  }

  /** The snapshot; rebuilt when older than 60 s or when `probe` asks. */
  get(probe = false): Record<string, unknown> {
    const now = this.gw.now();
    const snapshot = !probe && this.cached && now - this.cached.at < CACHE_MS ? this.cached.snapshot : this.refresh();
    // The cached object carries the event loop as of the last beat; no copy on this path.
    snapshot.eventLoop = this.eventLoop.current;
    return snapshot;
  }

  /** Rebuilds the snapshot and broadcasts it when its content changed. */
  refresh(): Record<string, unknown> {
    const started = this.gw.now();
    const body = healthBody(this.gw);
    const snapshot: Record<string, unknown> = { ok: true, ts: started, durationMs: this.gw.now() - started, ...body };
    // Session ages grow by themselves; only real changes count.
    const key = JSON.stringify(body, (k, v) => (k === "age" ? undefined : v));
    const changed = this.cached !== undefined && this.cached.key !== key;
    this.cached = { at: this.gw.now(), snapshot, key };
    if (changed) {
      this.version++;
      this.gw.broadcastHealth();
    }
    return snapshot;
  }
}
