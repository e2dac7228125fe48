/**
 * Latest-state-wins pacing for snapshot events (spec §7 `presence`): the
 * first change after a quiet spell is sent at once; changes while a gap runs
 * are folded into one send of the state as it is when the gap ends. The gap
 * after each send is what that send cost (bytes x recipients) at a fixed
 * byte rate, never under a floor, so a reconnect storm of n readers costs
 * O(n) snapshots, not n per connect. Runtime-agnostic.
 */

/** The floor between two snapshot sends. */
export const SNAPSHOT_MIN_GAP_MS = 250;
/** Snapshot bytes per second the gateway hands to its readers, summed over recipients. */
export const SNAPSHOT_BYTES_PER_SECOND = 64 * 1024 * 1024;

export class SnapshotPacer {
  private timer?: ReturnType<typeof setTimeout>;
  private dirty = false;
  private sending = false;
  private stopped = false;

  /** `send` broadcasts the current state and returns the bytes it queued across every recipient. */
  constructor(private readonly send: () => number) {}

  /** The state changed. */
  request(): void {
    if (this.stopped) return;
    // A change raised by the send itself waits for the gap like any other.
    if (this.timer !== undefined || this.sending) {
      this.dirty = true;
      return;
    }
    this.fire();
  }

  /** No more sends (shutdown). */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private fire(): void {
    this.dirty = false;
    this.sending = true;
    let bytes: number;
    try {
      bytes = this.send();
    } finally {
      this.sending = false;
    }
    const gap = Math.max(SNAPSHOT_MIN_GAP_MS, (bytes / SNAPSHOT_BYTES_PER_SECOND) * 1000);
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.dirty) this.fire();
    }, gap);
  }
}
