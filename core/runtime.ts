/**
 * The contract every runtime shim fulfils. Core owns every seam: it takes
 * connections, not sockets, and reaches files, processes and clocks only
 * through these interfaces. Runtime-agnostic.
 */
import type { FrameCodec, WireFrame } from "./protocol/codec.ts";

/** What the transport learned about the peer at upgrade time. */
export interface PeerInfo {
  /** Remote IP address as the socket reports it. */
  remoteAddress: string;
  /** True when the socket itself comes from 127.0.0.0/8 or ::1. */
  isLoopback: boolean;
  /** `Origin` header, when a browser sent one. */
  origin?: string;
  /** `Host` header. */
  host?: string;
  /** True when any of X-Forwarded-For / Forwarded / X-Real-IP was present. */
  forwarded: boolean;
  userAgent?: string;
  /** Every request header, for rules that name one (trusted-proxy user header). */
  headers: Headers;
}

/** Outcome of handing a frame to the transport. */
export type SendStatus = "sent" | "queued" | "dropped";

/** One client connection as core sees it. */
export interface Connection {
  readonly peer: PeerInfo;
  /** The frame codec negotiated at upgrade; absent means JSON text. */
  readonly codec?: FrameCodec;
  send(frame: WireFrame): SendStatus;
  close(code: number, reason: string): void;
  /** Joins a broadcast topic; the shim fans published frames out natively. */
  subscribe(topic: string): void;
  unsubscribe(topic: string): void;
  /** Bytes accepted but not yet written to the socket. */
  bufferedAmount(): number;
  /**
   * Stop and restart reading from the socket. Transports that may assemble
   * frames up to maxPayload before core sees them (the WebSocket shims)
   * provide these, so unauthenticated sockets are read a few at a time (§1.4).
   */
  pauseReading?(): void;
  resumeReading?(): void;
}

/** Native fan-out of one frame to every connection subscribed to a topic. */
export interface Publisher {
  publish(topic: string, frame: WireFrame): void;
}

/** Structured log sink; records never carry secrets. */
export interface Logger {
  debug(subsystem: string, message: string, fields?: Record<string, unknown>): void;
  info(subsystem: string, message: string, fields?: Record<string, unknown>): void;
  warn(subsystem: string, message: string, fields?: Record<string, unknown>): void;
  error(subsystem: string, message: string, fields?: Record<string, unknown>): void;
}

/** A page of the gateway's own JSONL log for `logs.tail` (§6). */
export interface LogPage {
  file: string;
  cursor: number;
  size: number;
  lines: string[];
  /** More lines were there than this page holds. */
  truncated: boolean;
  /** The cursor was past the end (the file rotated), so reading restarted at the top. */
  reset: boolean;
}

/** Reads the gateway's log file by byte cursor. */
export interface LogReader {
  tail(request: { cursor?: number; limit: number; maxBytes: number }): Promise<LogPage>;
}

/** The machine under the process, as upstream's `system.info` reports it. */
export interface MachineInfo {
  /** `os.release()`, e.g. "6.1.0-18-amd64". */
  release: string;
  arch: string;
  cpuCount: number;
  cpuModel?: string;
  loadAverage: [number, number, number];
  memoryTotalBytes: number;
  memoryFreeBytes: number;
}

/** Facts about the host process that only the shim can read. */
export interface HostInfo {
  hostname: string;
  /** First non-internal IPv4 address, if any. */
  ip?: string;
  /** e.g. "linux 6.1.0". */
  platform: string;
  deviceFamily: string;
  runtime: string;
  pid: number;
  memory(): { rss: number; heapUsed: number; heapTotal: number; external: number; arrayBuffers: number };
  /** CPU time the process has used (user + system), in microseconds. */
  cpuMicros(): number;
  /** The machine's resources now (`system.info`). */
  machine(): MachineInfo;
  configPath: string;
  stateDir: string;
  /** The state database, where sessions and transcripts live (`health` shows it; `status` to admins). */
  databasePath: string;
}

/**
 * Name resolution for outbound requests that must check where a name points
 * before connecting (web_fetch's private-network guard): every address the
 * name resolves to, IPv4 and IPv6. Rejects when the name does not resolve.
 */
export type HostResolver = (hostname: string) => Promise<string[]>;

/**
 * `fetch(url, init)` that connects only to `addresses` (IP literals the
 * private-network guard approved for `url`'s host), never resolving the name
 * again: a DNS answer that changes between the check and the connection (DNS
 * rebinding) cannot move the request elsewhere. The request still names the
 * host (`Host` header; for https the TLS server name, and the certificate is
 * verified against it). Addresses are tried in order until one connects.
 */
export type PinnedFetch = (url: URL, addresses: readonly string[], init: RequestInit) => Promise<Response>;

/** One shell command for the process runner. */
export interface ProcessSpec {
  /** A command line for the host's POSIX shell (`/bin/sh -c`). */
  command: string;
  cwd: string;
  /** Create `cwd` (0700) when it is missing: the agent workspace on first use. */
  createCwd?: boolean;
  /** The child's whole environment. */
  env: Record<string, string>;
  /** The whole process tree is killed after this long; 0 means no limit. */
  timeoutMs: number;
  /** Bytes kept of stdout and of stderr; the rest is read and dropped, so the child never blocks. */
  maxOutputBytes: number;
  /** Aborting kills the whole process tree. */
  signal?: AbortSignal;
}

/** How a command ended. */
export interface ProcessOutcome {
  /** Null when a signal ended it. */
  exitCode: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  /** Output past maxOutputBytes was dropped. */
  truncated: boolean;
  timedOut: boolean;
  aborted: boolean;
  durationMs: number;
}

/**
 * Runs commands on the gateway host (the exec tool). Each command gets its own
 * process group, and the whole group is killed on timeout, on abort, and when
 * the command itself ends, so nothing it started outlives the call.
 */
export interface ProcessHost {
  run(spec: ProcessSpec): Promise<ProcessOutcome>;
  /** The absolute path of `name` on `path` (a PATH value), or undefined. */
  which(name: string, path: string): string | undefined;
  /** The gateway's own environment, which commands inherit. */
  env(): Record<string, string>;
}

/** A request handler an HTTP listener serves; `remoteAddress` is the socket's peer. */
export type HttpHandler = (req: Request, remoteAddress: string) => Promise<Response>;

/** A running HTTP listener. */
export interface HttpListener {
  /** The bound port (the asked-for one, or the system's choice for 0). */
  readonly port: number;
  /** Stops listening and drops the connections still open. */
  close(): Promise<void>;
}

/**
 * Serves `handle` on `hostname:port`, apart from the gateway's own port (a
 * channel's webhook listener: Telegram's `webhookHost:webhookPort`). Rejects
 * when the address cannot be bound.
 */
export type HttpListen = (hostname: string, port: number, handle: HttpHandler) => Promise<HttpListener>;

/** What reading a secret file gave: its text, or why not (`not-regular-file`, or the system's error code). */
export type SecretFileRead = { text: string } | { problem: string };

/**
 * Reads a secret file (a channel's `tokenFile`) synchronously, as config is
 * read. Only a regular file is read: a symlink could point the gateway at any
 * file.
 */
export type SecretFileReader = (path: string) => SecretFileRead;
