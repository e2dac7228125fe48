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
  private readonly announced = new Map<string, PresenceEntry>();
  /** `stateVersion.presence`: bumps on every change (§1.3). */
  version = 1;

  constructor(private readonly self: () => PresenceEntry) {}

  /** Records a connected client; returns the new version. */
  connect(connId: string, entry: PresenceEntry): number {
    this.connections.set(connId, entry);
    return ++this.version;
  }

  /** Forgets a client; returns the new version, or null when it was never listed. */
  disconnect(connId: string): number | null {
    return this.connections.delete(connId) ? ++this.version : null;
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
    const others = [...this.connections.values(), ...this.announced.values()];
    if (others.length >= MAX_ENTRIES) others.sort((a, b) => b.ts - a.ts).length = MAX_ENTRIES - 1;
    return [this.self(), ...others];
  }
}
