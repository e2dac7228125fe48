/**
 * Broadcast fan-out with per-socket `seq` (spec §1.3, §7).
 *
 * Sockets that may see the same events share one topic per view class and
 * codec, and each class keeps its own counter. Every socket in a class is
 * offered every event of that class, so it sees seq rise by one per event
 * exactly as a per-connection counter would (the reference client only needs
 * `seq == lastSeq + 1`), while the frame is serialized once per codec in use
 * (only `seq` is appended per class) and fanned out natively by the shim. A
 * frame the transport drops for a slow socket still consumed a number, so
 * that client sees the gap and re-reads state. Runtime-agnostic.
 */
import { CODECS, jsonCodec, type SeqFrame } from "../protocol/codec.ts";
import type { StateVersion } from "../protocol/frames.ts";
import type { Connection, Publisher } from "../runtime.ts";
import { audienceOf, classSees } from "./audience.ts";

/** One view class: its counter, and its members and topic per codec (indexed as CODECS). */
interface ViewClass {
  seq: number;
  size: number;
  readonly members: number[];
  readonly topics: string[];
}

function codecIndex(conn: Connection): number {
  return CODECS.indexOf(conn.codec ?? jsonCodec);
}

export class Broadcaster {
  // At most 16 classes (4 audience bits); kept once made, so a class's seq never restarts.
  private readonly classes = new Map<number, ViewClass>();

  constructor(private readonly publisher: Publisher) {}

  private classOf(view: number): ViewClass {
    let cls = this.classes.get(view);
    if (!cls) {
      cls = { seq: 0, size: 0, members: CODECS.map(() => 0), topics: CODECS.map((c) => `view:${view}${c.topicSuffix}`) };
      this.classes.set(view, cls);
    }
    return cls;
  }

  /** Adds an authenticated socket to its view class. */
  join(conn: Connection, view: number): void {
    const cls = this.classOf(view);
    const c = codecIndex(conn);
    conn.subscribe(cls.topics[c]!);
    cls.members[c]!++;
    cls.size++;
  }

  /** Removes a socket from its class (the shim also drops subscriptions on close). */
  leave(conn: Connection, view: number): void {
    const cls = this.classOf(view);
    const c = codecIndex(conn);
    conn.unsubscribe(cls.topics[c]!);
    if (cls.members[c]! === 0) return;
    cls.members[c]!--;
    cls.size--;
  }

  /**
   * Offers one event to every class allowed to see it. Returns the bytes
   * offered, frame length times sockets summed over classes and codecs (0 for an
   * unmapped event: fail-closed), which is what snapshot pacing charges.
   */
  broadcast(event: string, payload: unknown, stateVersion?: StateVersion): number {
    const audience = audienceOf(event);
    if (audience === undefined) return 0;
    // Built on first use, once per codec for this event.
    const frames: (SeqFrame | undefined)[] = [];
    let bytes = 0;
    for (const [view, cls] of this.classes) {
      if (cls.size === 0 || !classSees(view, audience)) continue;
      const seq = ++cls.seq;
      for (let c = 0; c < CODECS.length; c++) {
        if (cls.members[c] === 0) continue;
        const frame = (frames[c] ??= CODECS[c]!.broadcastFrame(event, payload ?? null, stateVersion))(seq);
        this.publisher.publish(cls.topics[c]!, frame);
        bytes += frame.length * cls.members[c]!;
      }
    }
    return bytes;
  }
}
