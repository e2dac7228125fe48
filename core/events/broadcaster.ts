/**
 * Broadcast fan-out with per-socket `seq` (spec §1.3, §7).
 *
 * Sockets that may see the same events share one topic per view class, and
 * each class keeps its own counter. Every socket in a class is offered every
 * event of that class, so it sees seq rise by one per event exactly as a
 * per-connection counter would (the reference client only needs
 * `seq == lastSeq + 1`), while the frame is serialized once per class and
 * fanned out natively by the shim. A frame the transport drops for a slow
 * socket still consumed a number, so that client sees the gap and re-reads
 * state. Runtime-agnostic.
 */
import type { StateVersion } from "../protocol/frames.ts";
import type { Connection, Publisher } from "../runtime.ts";
import { audienceOf, classSees } from "./audience.ts";

function topic(view: number): string {
  return `view:${view}`;
}

export class Broadcaster {
  private readonly members = new Map<number, number>();
  private readonly seq = new Map<number, number>();

  constructor(private readonly publisher: Publisher) {}

  /** Adds an authenticated socket to its view class. */
  join(conn: Connection, view: number): void {
    conn.subscribe(topic(view));
    this.members.set(view, (this.members.get(view) ?? 0) + 1);
  }

  /** Removes a socket from its class (the shim also drops subscriptions on close). */
  leave(conn: Connection, view: number): void {
    conn.unsubscribe(topic(view));
    const left = (this.members.get(view) ?? 1) - 1;
    if (left > 0) this.members.set(view, left);
    else this.members.delete(view);
  }

  /**
   * Offers one event to every class allowed to see it. Returns the number of
   * classes it went to (0 for an unmapped event: fail-closed).
   */
  broadcast(event: string, payload: unknown, stateVersion?: StateVersion): number {
    const audience = audienceOf(event);
    if (audience === undefined) return 0;
    // Serialize the shared part once; only `seq` differs per class.
    const head = `{"type":"event","event":${JSON.stringify(event)},"payload":${JSON.stringify(payload ?? null)}` +
      (stateVersion ? `,"stateVersion":${JSON.stringify(stateVersion)}` : "") + `,"seq":`;
    let sent = 0;
    for (const view of this.members.keys()) {
      if (!classSees(view, audience)) continue;
      const seq = (this.seq.get(view) ?? 0) + 1;
      this.seq.set(view, seq);
      this.publisher.publish(topic(view), head + seq + "}");
      sent++;
    }
    return sent;
  }
}
