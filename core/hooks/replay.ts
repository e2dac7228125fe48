/**
 * Idempotent hook agent requests (upstream "Hook retries and fan-out"): a
 * retry with the same replay key gets the first request's admission (its
 * `runId`, and its completion) instead of a second run. Pending and running
 * entries are kept until their run ends; ended ones for five minutes, at most
 * 1,000 of them. A refused admission is forgotten, so it can be retried.
 * In memory only: a restart forgets every key, as upstream's does.
 * Runtime-agnostic.
 */

/** What a finished hook run reports when the caller waits (`waitForCompletion`). */
export interface Completion {
  status: "ok" | "error" | "skipped";
  replyDisposition: "visible" | "silent" | "empty";
  delivered?: boolean;
  deliveryAttempted?: boolean;
  deliveryError?: "delivery-failed";
}

/** A run admitted (its completion settles when it ends), or the refusal with its HTTP status. */
export type Admission =
  | { ok: true; runId: string; completion: Promise<Completion> }
  | { ok: false; status: number; error: string; runId?: string };

export const REPLAY_TTL_MS = 5 * 60_000;
export const MAX_ENDED_REPLAYS = 1_000;

interface Entry {
  admission: Promise<Admission>;
  /** When the run ended; unset while pending or running. */
  endedAt?: number;
}

export class ReplayCache {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly now: () => number) {}

  /** The admission of `key`'s first request, or `dispatch()`'s when the key is new (or absent). */
  admit(key: string | undefined, dispatch: () => Promise<Admission>): Promise<Admission> {
    if (key === undefined) return dispatch();
    this.prune();
    const known = this.entries.get(key);
    if (known) {
      if (known.endedAt !== undefined) {
        // Most recently used goes last, so the bound drops the least recently replayed.
        this.entries.delete(key);
        this.entries.set(key, known);
      }
      return known.admission;
    }
    const entry: Entry = { admission: dispatch() };
    this.entries.set(key, entry);
    const forget = () => {
      if (this.entries.get(key) === entry) this.entries.delete(key);
    };
    entry.admission.then((admission) => {
      if (!admission.ok) return forget();
      const ended = () => {
        if (this.entries.get(key) !== entry) return;
        entry.endedAt = this.now();
        this.entries.delete(key);
        this.entries.set(key, entry);
        this.prune();
      };
      admission.completion.then(ended, ended);
    }, forget);
    return entry.admission;
  }

  private prune(): void {
    const cutoff = this.now() - REPLAY_TTL_MS;
    let ended = 0;
    for (const entry of this.entries.values()) if (entry.endedAt !== undefined) ended++;
    for (const [key, entry] of this.entries) {
      if (entry.endedAt === undefined) continue;
      if (entry.endedAt < cutoff || ended > MAX_ENDED_REPLAYS) {
        this.entries.delete(key);
        ended--;
      }
    }
  }
}
