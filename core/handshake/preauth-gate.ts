/**
 * Bounds what sockets that have not authenticated can make the gateway hold
 * (spec §1.4). Bun's `maxPayloadLength` and ws's `maxPayload` are set per
 * server, not per socket, so before hello-ok a socket may still have the
 * transport assemble up to the post-auth `maxPayload` (25 MiB) before core
 * sees a byte and can apply the 64 KiB pre-auth limit. Only sockets holding a
 * read slot are read from; the others are paused (their peers see TCP
 * backpressure, the kernel's receive buffer holds what they send) and are
 * given a slot in arrival order, round-robin over addresses, when one frees
 * at hello-ok or close. Slots are bounded globally and per peer address, so
 * unauthenticated memory is at most `slots x maxPayload` whatever peers send;
 * unauthenticated sockets themselves are bounded too, globally and per
 * address. A legitimate client has its connect frame in the kernel buffer by
 * the time its slot comes, so a slot is held for one authentication, not one
 * round trip. Runtime-agnostic.
 */

/** A socket whose reads the gate controls (a core Connection that can pause). */
export interface GatedSocket {
  readonly peer: { readonly remoteAddress: string };
  /** Stops reading from the socket (sending still works). */
  pauseReading(): void;
  resumeReading(): void;
}

/** Limits of the gate. */
export interface PreauthLimits {
  /** Unauthenticated sockets read from at once, in total. */
  readSlots: number;
  /** ...and per peer address. */
  readSlotsPerAddress: number;
  /** Unauthenticated sockets open at once (reading or paused), in total. */
  maxSockets: number;
  /** ...and per peer address. */
  maxSocketsPerAddress: number;
}

interface AddressState {
  reading: number;
  open: number;
  /** Paused sockets of this address, oldest first. */
  waiting: Set<GatedSocket>;
}

export class PreauthGate {
  private readonly state = new Map<GatedSocket, "reading" | "waiting">();
  private readonly addresses = new Map<string, AddressState>();
  /** Addresses with paused sockets, in the order they will be served next. */
  private readonly queue = new Map<string, AddressState>();
  private reading = 0;

  constructor(private readonly limits: PreauthLimits) {}

  /** Unauthenticated sockets open now. */
  get size(): number {
    return this.state.size;
  }

  /**
   * Registers a new socket: it reads now or is paused until a slot frees.
   * False when it would pass a socket bound; the caller refuses it and the
   * gate holds nothing for it.
   */
  enter(socket: GatedSocket): boolean {
    const { limits } = this;
    let at = this.addresses.get(socket.peer.remoteAddress);
    if (this.state.size >= limits.maxSockets || (at?.open ?? 0) >= limits.maxSocketsPerAddress) return false;
    if (!at) this.addresses.set(socket.peer.remoteAddress, (at = { reading: 0, open: 0, waiting: new Set() }));
    at.open++;
    if (this.reading < limits.readSlots && at.reading < limits.readSlotsPerAddress) {
      this.state.set(socket, "reading");
      this.reading++;
      at.reading++;
      return true;
    }
    this.state.set(socket, "waiting");
    socket.pauseReading();
    at.waiting.add(socket);
    if (!this.queue.has(socket.peer.remoteAddress)) this.queue.set(socket.peer.remoteAddress, at);
    return true;
  }

  /** The socket authenticated or closed: its slot (or place in line) goes to the next one. Idempotent. */
  leave(socket: GatedSocket): void {
    const was = this.state.get(socket);
    if (was === undefined) return;
    this.state.delete(socket);
    const at = this.addresses.get(socket.peer.remoteAddress)!;
    at.open--;
    if (was === "waiting") {
      at.waiting.delete(socket);
      if (at.waiting.size === 0) this.queue.delete(socket.peer.remoteAddress);
    } else {
      this.reading--;
      at.reading--;
    }
    if (at.open === 0) this.addresses.delete(socket.peer.remoteAddress);
    if (was === "reading") this.grant();
  }

  /** Hands free slots to paused sockets, one address after another. */
  private grant(): void {
    while (this.reading < this.limits.readSlots) {
      let next: AddressState | undefined;
      let address = "";
      for (const [a, at] of this.queue) {
        if (at.reading < this.limits.readSlotsPerAddress) {
          next = at;
          address = a;
          break;
        }
      }
      if (!next) return;
      const socket: GatedSocket = next.waiting.values().next().value!;
      next.waiting.delete(socket);
      // Round-robin: this address goes to the back of the line.
      this.queue.delete(address);
      if (next.waiting.size > 0) this.queue.set(address, next);
      this.state.set(socket, "reading");
      this.reading++;
      next.reading++;
      socket.resumeReading();
    }
  }
}
