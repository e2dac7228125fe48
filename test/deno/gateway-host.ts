/**
 * What the Deno suite's gateways and channel adapters run on: a host
 * description, a silent logger, Deno.serve as core's HttpListen and as the
 * local fakes' server (127.0.0.1, port 0), one channel account's context, and
 * runs of an adapter or a whole gateway that clean up after themselves.
 */
import type { ChannelAccountContext, ChannelAdapter, ChannelPlugin, InboundMessage } from "../../core/channels/contract.ts";
import type { OpenClawConfig } from "../../core/config/schema.ts";
import { Gateway } from "../../core/gateway.ts";
import type { HostInfo, HttpListen, Logger } from "../../core/runtime.ts";
import { SqlStore } from "../../core/storage/sql-store.ts";
import type { FakeSocket, ServeLocal } from "../harness/serve-local.ts";
import { memoryDriver } from "./node-sqlite.ts";

export function denoHost(): HostInfo {
  return { hostname: "deno-host", platform: "deno", deviceFamily: "Linux", runtime: `deno ${Deno.version.deno}`, pid: 1, memory: () => ({ rss: 0, heapUsed: 0, heapTotal: 0, external: 0, arrayBuffers: 0 }), cpuMicros: () => 0, machine: () => ({ release: "0", arch: "x64", cpuCount: 1, loadAverage: [0, 0, 0], memoryTotalBytes: 1, memoryFreeBytes: 1 }), configPath: "/nonexistent/openclaw.json", stateDir: "/nonexistent", databasePath: "/nonexistent/state.db" };
}

export const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {} };

/** Deno.serve as core's HttpListen (a channel's own webhook port); `close` waits until the server is done. */
export const denoListen: HttpListen = async (hostname, port, handle) => {
  const server = Deno.serve({ hostname, port, onListen() {} }, (req, info) => handle(req, info.remoteAddr.hostname));
  return { port: server.addr.port, close: () => server.shutdown() };
};

/**
 * Deno.serve for the local fakes (test/harness/serve-local.ts). Deno cannot cut a WebSocket without a close frame,
 * so `terminate` closes it. `stopped()` settles once every server this one started has shut down (Deno's leak checks).
 */
export function denoServer(): { serve: ServeLocal; stopped(): Promise<void> } {
  const finished: Promise<void>[] = [];
  const serve: ServeLocal = (fetch, sockets) => {
    const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
      let switched: Response | undefined;
      const upgrade = () => {
        if (!sockets || req.headers.get("upgrade")?.toLowerCase() !== "websocket") return null;
        const { socket, response } = Deno.upgradeWebSocket(req);
        const ws: FakeSocket = { send: (text) => socket.send(text), close: (code, reason) => socket.close(code, reason), terminate: () => socket.close() };
        socket.onopen = () => sockets.open(ws);
        socket.onmessage = (e) => sockets.message(ws, typeof e.data === "string" ? e.data : new TextDecoder().decode(e.data));
        socket.onclose = () => sockets.close(ws);
        return (switched = response);
      };
      return (await fetch(req, upgrade)) ?? switched ?? new Response("upgrade failed", { status: 400 });
    });
    finished.push(server.finished);
    return { port: server.addr.port, stop: () => void server.shutdown() };
  };
  return { serve, stopped: async () => void (await Promise.all(finished)) };
}

/** One default account of `channel` configured as `section`, with an in-memory inbound sink and the info lines it logged. */
export function memoryAccount(channel: string, section: Record<string, unknown>) {
  const accepted: InboundMessage[] = [];
  const lines: string[] = [];
  let cursor: string | undefined;
  const logger: Logger = { ...quiet, info: (_s, m) => void lines.push(m) };
  const ctx: ChannelAccountContext = {
    channel, accountId: "default", logger, now: Date.now,
    config: () => ({ channels: { [channel]: section } }) as OpenClawConfig,
    inbound: {
      accept(messages, next) {
        accepted.push(...messages);
        cursor = next;
        return messages.length;
      },
      cursor: () => cursor,
      sentByAccount: () => false,
      malformed() {},
    },
  };
  return { ctx, accepted, lines };
}

/** What a test started and must stop whatever happens: the local fakes, and when their servers are gone. */
export interface Fakes {
  stop(): void;
  stopped(): Promise<void>;
}

/** Starts `adapter`, runs `body`, then stops the adapter and the fakes, whatever happened. */
export async function withAdapter(adapter: ChannelAdapter, fakes: Fakes, body: () => Promise<void>): Promise<void> {
  try {
    await adapter.start();
    await body();
  } finally {
    await adapter.stop();
    fakes.stop();
    await fakes.stopped();
  }
}

/** Starts a gateway over an in-memory SQL store that runs `plugins` for `config`, runs `body`, then stops it all. */
export async function withGateway(config: OpenClawConfig, plugins: ChannelPlugin[], fakes: Fakes, body: () => Promise<void>): Promise<void> {
  const store = new SqlStore(memoryDriver());
  const gateway = new Gateway({
    config,
    auth: { mode: "token", token: "deno-channels-token-0123456789" },
    host: denoHost(),
    identity: () => Promise.resolve({ deviceId: "gateway-device", publicKey: "gateway-key" }),
    logger: quiet,
    logs: { tail: () => Promise.reject(new Error("no log file")) },
    publisher: { publish() {} },
    devices: store, senders: store, nodes: store, sessions: store, scheduler: store, approvals: store,
    channels: store,
    channelPlugins: plugins,
    buildId: "clawgate-deno-test",
  });
  gateway.start();
  try {
    await body();
  } finally {
    await gateway.channels.stop();
    gateway.shutdown();
    store.close();
    fakes.stop();
    await fakes.stopped();
  }
}
