/**
 * Waiting for a condition that test peers' incoming frames make true:
 * `wake()` on every arrival, `until(cond)` re-checks then, with a 50 ms
 * fallback, and fails after a deadline instead of hanging.
 */
export class Signal {
  private waiters: (() => void)[] = [];

  wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const fn of w) fn();
  }

  /** Resolves when `cond` holds; rejects after `ms`. */
  async until(cond: () => boolean, ms = 5000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!cond()) {
      if (Date.now() > deadline) throw new Error("condition not met in time");
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
  }
}
