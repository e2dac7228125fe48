/**
 * System events waiting for a session's next heartbeat turn (`system-event`,
 * `wake`, cron `systemEvent` payloads), bounded per session like upstream's
 * queue. Runtime-agnostic.
 */

/** Upstream keeps at most this many pending events per session. */
export const MAX_QUEUED_EVENTS = 20;

export interface SystemEvent {
  text: string;
  ts: number;
  source: string;
}

export class SystemEventQueue {
  private readonly queues = new Map<string, SystemEvent[]>();

  enqueue(sessionKey: string, event: SystemEvent): void {
    const queue = this.queues.get(sessionKey) ?? [];
    queue.push(event);
    if (queue.length > MAX_QUEUED_EVENTS) queue.shift();
    this.queues.set(sessionKey, queue);
  }

  peek(sessionKey: string): readonly SystemEvent[] {
    return this.queues.get(sessionKey) ?? [];
  }

  /** Removes and returns a session's events. */
  take(sessionKey: string): SystemEvent[] {
    const queue = this.queues.get(sessionKey) ?? [];
    this.queues.delete(sessionKey);
    return queue;
  }

  /** Every pending event's text, oldest first (`status.queuedSystemEvents`). */
  texts(): string[] {
    return [...this.queues.values()].flat().sort((a, b) => a.ts - b.ts).map((e) => e.text);
  }
}
