/**
 * Transport limits and timings of the real gateway (spec §1.4, §1.5).
 * Runtime-agnostic.
 */

/** A frame larger than this before hello-ok closes the socket with 1009. */
export const MAX_PREAUTH_PAYLOAD_BYTES = 64 * 1024;
/**
 * Unauthenticated sockets the transport reads from at once, in total and per
 * address (core/handshake/preauth-gate.ts): each may make the transport hold
 * up to MAX_PAYLOAD_BYTES, so these bound pre-auth memory to ~100 MiB.
 */
export const PREAUTH_READ_SLOTS = 4;
export const PREAUTH_READ_SLOTS_PER_ADDRESS = 2;
/** Unauthenticated sockets open at once, in total and per address; past them a socket is closed 1013. */
export const MAX_PREAUTH_SOCKETS = 4096;
export const MAX_PREAUTH_SOCKETS_PER_ADDRESS = 1024;
/** `policy.maxPayload`: the largest frame after hello-ok. */
export const MAX_PAYLOAD_BYTES = 25 * 1024 * 1024;
/** Outbound bytes a peer that has not authenticated may leave unread (bridge error lines) before it is closed 1008. */
export const MAX_PREAUTH_BUFFERED_BYTES = 64 * 1024;
/** `policy.maxBufferedBytes`: past this outbound backlog a client is a slow consumer. */
export const MAX_BUFFERED_BYTES = 50 * 1024 * 1024;
/**
 * All sockets' outbound backlogs together: past this, the largest backlogs are
 * closed as slow consumers (1008) until the rest fit, so many slow sockets
 * cannot hold what one is denied.
 */
export const MAX_TOTAL_BUFFERED_BYTES = 128 * 1024 * 1024;
/** Frames queued while the handshake runs; one more closes with 1008. */
export const MAX_PENDING_HANDSHAKE_FRAMES = 15;
/**
 * Bytes a peer can need to send before hello-ok: its connect frame and the
 * frames that may queue behind it, each at most MAX_PREAUTH_PAYLOAD_BYTES
 * plus a 14-byte frame header, and 64 KiB of control frames. Only a peer
 * sending a frame core refuses (1009, 1008) gets past it, so a transport that
 * counts raw bytes (the Node shim) closes it 1009 there instead of
 * assembling up to MAX_PAYLOAD_BYTES of its message first.
 */
export const MAX_PREAUTH_READ_BYTES = (1 + MAX_PENDING_HANDSHAKE_FRAMES) * (MAX_PREAUTH_PAYLOAD_BYTES + 14) + 64 * 1024;
/** Time a socket has to complete the handshake (`OPENCLAW_HANDSHAKE_TIMEOUT_MS`). */
export const HANDSHAKE_TIMEOUT_MS = 15_000;
/** `policy.tickIntervalMs`: clients drop the socket after twice this without traffic. */
export const TICK_INTERVAL_MS = 30_000;
/** Attachment limits advertised in `policy` (§2.4). */
export const ATTACHMENT_LIMITS = { maxBytes: 19_464_192, maxImageBytes: 6_291_456 } as const;
