/**
 * Terminal results of idempotent requests, kept so a repeated key gets the
 * same answer instead of a second run: 5 minutes, at most 1,000 keys
 * (spec §6 "Idempotency"). Runtime-agnostic.
 */

export const DEDUPE_TTL_MS = 5 * 60_000;
export const DEDUPE_MAX_ENTRIES = 1000;

export class DedupeCache<T> {
  private readonly entries = new Map<string, { ts: number; value: T }>();

  constructor(
    private readonly now: () => number,
    private readonly ttlMs = DEDUPE_TTL_MS,
    private readonly maxEntries = DEDUPE_MAX_ENTRIES,
  ) {}

  get(key: string): T | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (this.now() - entry.ts > this.ttlMs) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  set(key: string, value: T): void {
    // Re-inserting moves the key to the young end; the oldest keys go first.
    this.entries.delete(key);
    this.entries.set(key, { ts: this.now(), value });
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
  }

  get size(): number {
    return this.entries.size;
  }
}
