/**
 * What the CLI needs from a runtime, so that one CLI (./cli) runs on Bun and
 * on Node: listen, open the state database, start the node bridge, and the
 * runtime's name. Each shim hands its own (runtime-bun/platform.ts,
 * runtime-node/platform.ts) to `main()`; nothing here imports a runtime.
 */
import type { Gateway, GatewayOptions } from "../../core/gateway.ts";
import type { HttpListen, PinnedFetch, ProcessHost, Publisher } from "../../core/runtime.ts";
import type { SqlDriver } from "../../core/storage/driver.ts";
import type { SqlStore } from "../../core/storage/sql-store.ts";

export interface ServeOptions extends Omit<GatewayOptions, "publisher"> {
  port: number;
  /** Addresses to listen on; loopback is 127.0.0.1 plus ::1 where the host has it (§1.1). */
  hostnames: string[];
}

export interface RunningGateway {
  gateway: Gateway;
  port: number;
  hostnames: string[];
  /** Adds a broadcast target for transports without native publish (the TCP bridge). */
  addPublisher(publisher: Publisher): void;
  /** Sends `shutdown`, closes every socket with 1012 and stops listening. */
  stop(restartExpectedMs?: number): Promise<void>;
}

/** A bridge listener and how to stop it. */
export interface RunningBridge {
  port: number;
  hostnames: string[];
  stop(): void;
}

/** One runtime's transports and storage. */
export interface Platform {
  /** Reported as the host's runtime, e.g. "bun 1.4.4" or "node 20.20.2". */
  runtime: string;
  /** Starts listening; resolves once every address is bound, rejects with the listen error (code EADDRINUSE) otherwise. */
  serve(options: ServeOptions): Promise<RunningGateway>;
  /** The state database at `path`, created 0600 in a 0700 folder and migrated. */
  openStore(path: string): Promise<SqlStore>;
  /** A plain connection to a SQLite file or ":memory:": no pragmas, no migrations (`clawgate import` reads a copy of upstream's database with it). */
  openSqlite(path: string): Promise<SqlDriver>;
  /** The TCP node bridge where the gateway listens, on its port + 1; rejects when that port is taken. */
  serveBridge(running: RunningGateway): Promise<RunningBridge>;
  /** The exec tool's process runner. */
  processHost(): Promise<ProcessHost>;
  /** web_fetch's connection to the addresses its guard approved (DNS rebinding). */
  pinnedFetch: PinnedFetch;
  /** A listener apart from the gateway's port, for a channel's webhooks (Telegram's `webhookPort`). */
  listenHttp: HttpListen;
  /** Imports the module file at an absolute path; a new `version` reads the file again (hook transforms after a reload). */
  importModule(path: string, version: number): Promise<Record<string, unknown>>;
  /** `gateway run` is listening and start-up is over (Bun: back to the normal JIT policy, runtime-bun/jit-policy.ts). */
  startupDone?(): void;
}
