/**
 * A fake's HTTP calls held in flight, as a service that has not answered yet: while holding, each call waits until
 * released; one whose client went away meanwhile is to be dropped unrecorded, as the service never saw it complete.
 * Runtime-agnostic.
 */
import type { Signal } from "./signal.ts";

export class HeldRequests {
  private holding = false;
  private readonly waiting = new Set<() => void>();

  /** `signal` is woken when a call starts waiting and when a waiting call's client goes away. */
  constructor(private readonly signal: Signal) {}

  /** Holds calls from now on, or releases every waiting one and stops holding. */
  hold(on: boolean): void {
    this.holding = on;
    if (on) return;
    for (const release of [...this.waiting]) release();
    this.waiting.clear();
  }

  /** Calls waiting now. */
  held(): number {
    return this.waiting.size;
  }

  /** Waits while holding; true when `req`'s client went away meanwhile (answer anything, record nothing). */
  async abandoned(req: Request): Promise<boolean> {
    if (!this.holding) return false;
    return new Promise<boolean>((resolve) => {
      const release = () => resolve(false);
      this.waiting.add(release);
      this.signal.wake();
      req.signal.addEventListener("abort", () => {
        this.waiting.delete(release);
        this.signal.wake();
        resolve(true);
      });
    });
  }
}
