/**
 * Who is connected, as `system-presence` and `presence` events report it
 * (spec §6, §7). Entry 0 is always the gateway itself. Runtime-agnostic.
 */

/** One presence entry (§6 `system-presence`). */
export interface PresenceEntry {
  host?: string;
  ip?: string;
  version?: string;
  platform?: string;
  deviceFamily?: string;
  mode?: string;
  reason?: string;
  instanceId?: string;
  deviceId?: string;
  roles?: string[];
  scopes?: string[];
  text?: string;
  tags?: string[];
  ts: number;
}

/** At most this many entries are reported, freshest first after the gateway's own (upstream's cap). */
export const MAX_ENTRIES = 200;

/** Entries announced by `system-event` fade after this long without a refresh. */
export const EVENT_ENTRY_TTL_MS = 5 * 60_000;

export class Presence {
  private readonly connections = new Map<string, PresenceEntry>();
  /**
   * Connection entries in connect order (so in `ts` order), with entries of
   * clients that left dropped lazily: the freshest are read from the end, so
   * a snapshot costs O(MAX_ENTRIES), not a sort of every connection.
   */
  private order: { connId: string; entry: PresenceEntry }[] = [];
  private readonly announced = new Map<string, PresenceEntry>();
  /** `stateVersion.presence`: bumps on every change (§1.3). */
  version = 1;

  constructor(private readonly self: () => PresenceEntry) {}

  /** Records a connected client; returns the new version. */
  connect(connId: string, entry: PresenceEntry): number {
    this.connections.set(connId, entry);
    this.order.push({ connId, entry });
    return ++this.version;
  }

  /** Forgets a client; returns the new version, or null when it was never listed. */
  disconnect(connId: string): number | null {
    if (!this.connections.delete(connId)) return null;
    // Compact once most of `order` is stale: amortized O(1) per disconnect.
    if (this.order.length > 2 * this.connections.size + MAX_ENTRIES) this.order = this.order.filter((o) => this.connections.get(o.connId) === o.entry);
    return ++this.version;
  }

  /** Adds or refreshes an entry announced by `system-event`, keyed by instance or host. */
  announce(entry: PresenceEntry): number {
    const key = entry.instanceId ?? entry.host ?? entry.ip ?? "unknown";
    this.announced.set(key, entry);
    return ++this.version;
  }

  /** The full snapshot, gateway first. */
  list(now: number): PresenceEntry[] {
    for (const [key, entry] of this.announced) if (now - entry.ts > EVENT_ENTRY_TTL_MS) this.announced.delete(key);
    if (this.connections.size + this.announced.size < MAX_ENTRIES) return [this.self(), ...this.connections.values(), ...this.announced.values()];
    // Past the cap: the freshest entries, newest first. Only the newest MAX_ENTRIES - 1 connections can be among them.
    const others: PresenceEntry[] = [...this.announced.values()];
    for (let i = this.order.length - 1, taken = 0; i >= 0 && taken < MAX_ENTRIES - 1; i--) {
      const { connId, entry } = this.order[i]!;
      if (this.connections.get(connId) !== entry) continue;
      others.push(entry);
      taken++;
    }
    others.sort((a, b) => b.ts - a.ts).length = Math.min(others.length, MAX_ENTRIES - 1);
    return [this.self(), ...others];
  }
}
