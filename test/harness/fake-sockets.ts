/**
 * The live WebSockets of a fake service: tracked from open to close, counted, and cut together without a close
 * frame (a network drop); every socket event wakes the fake's Signal. Runtime-agnostic.
 */
import type { FakeSocket, SocketEvents } from "./serve-local.ts";
import type { Signal } from "./signal.ts";

export class FakeSockets {
  private readonly live = new Set<FakeSocket>();

  constructor(private readonly signal: Signal) {}

  /** `events` (close optional) with the tracking and the wake-ups around them, for `serve`. */
  serve(events: Omit<SocketEvents, "close"> & Partial<Pick<SocketEvents, "close">>): SocketEvents {
    return {
      open: (ws) => {
        this.live.add(ws);
        events.open(ws);
        this.signal.wake();
      },
      message: (ws, text) => {
        events.message(ws, text);
        this.signal.wake();
      },
      close: (ws) => {
        this.live.delete(ws);
        events.close?.(ws);
        this.signal.wake();
      },
    };
  }

  /** Sockets open now. */
  count(): number {
    return this.live.size;
  }

  /** The oldest socket still open. */
  first(): FakeSocket | undefined {
    const [ws] = this.live;
    return ws;
  }

  /** Cuts every socket without a close frame. */
  drop(): void {
    for (const ws of this.live) ws.terminate();
  }
}
