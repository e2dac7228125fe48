/**
 * The health snapshot (spec §6 `health`, §7): cached for up to 60 s unless a
 * probe asks, versioned, and broadcast when its content changes.
 * Runtime-agnostic.
 */
import type { Gateway } from "./gateway.ts";

const CACHE_MS = 60_000;

export class Health {
  /** `stateVersion.health`. */
  version = 1;
  private cached?: { at: number; snapshot: Record<string, unknown>; key: string };
  private lagMs = 0;
  private lastBeat: number;

  constructor(private readonly gw: Gateway) {
    this.lastBeat = gw.now();
  }

  /** Notes event-loop lag from a timer that should fire every `expectedMs`. */
  beat(expectedMs: number): void {
    const now = this.gw.now();
    this.lagMs = Math.max(0, now - this.lastBeat - expectedMs);
    this.lastBeat = now;
  }

  /** Event-loop figures as reported in health and status. */
  eventLoop(): { lagMs: number; uptimeMs: number } {
    return { lagMs: this.lagMs, uptimeMs: this.gw.now() - this.gw.startedAt };
  }

  private build(): Record<string, unknown> {
    const started = this.gw.now();
    const defaultAgentId = defaultAgent(this.gw);
    const body = {
      plugins: { loaded: [], errors: [] },
      configReload: { mode: "hybrid" },
      channels: {},
      channelOrder: [] as string[],
      channelLabels: {},
      heartbeatSeconds: 0,
      defaultAgentId,
      agents: [{ agentId: defaultAgentId, isDefault: true }],
      sessions: { count: 0 },
      modelRuntime: { providers: Object.keys(this.gw.config.models?.providers ?? {}) },
    };
    return { ok: true, ts: started, durationMs: this.gw.now() - started, ...body, eventLoop: this.eventLoop() };
  }

  /** The snapshot; rebuilt when older than 60 s or when `probe` asks. */
  get(probe = false): Record<string, unknown> {
    const now = this.gw.now();
    if (!probe && this.cached && now - this.cached.at < CACHE_MS) return this.cached.snapshot;
    return this.refresh();
  }

  /** Rebuilds the snapshot and broadcasts it when its content changed. */
  refresh(): Record<string, unknown> {
    const snapshot = this.build();
    const { ts: _ts, durationMs: _d, eventLoop: _e, ...content } = snapshot;
    const key = JSON.stringify(content);
    const changed = this.cached !== undefined && this.cached.key !== key;
    this.cached = { at: this.gw.now(), snapshot, key };
    if (changed) {
      this.version++;
      this.gw.broadcastHealth(snapshot);
    }
    return snapshot;
  }
}

/** `agents.list[].default`, else the first agent, else "main". */
export function defaultAgent(gw: Gateway): string {
  const list = gw.config.agents?.list ?? [];
  return (list.find((a) => a.default) ?? list[0])?.id ?? "main";
}
