/**
 * The gateway: `open(connection)` is the single entry point for every
 * transport. It owns auth, the method table, presence, health and broadcast
 * fan-out. Runtime-agnostic.
 */
import type { HookTransformLoader } from "./hooks/mappings.ts";
import { Agents } from "./agent/agents.ts";
import { ExecApprovals } from "./approvals/approvals.ts";
import { AuthRateLimiter, DEFAULT_RATE_LIMIT } from "./auth/rate-limit.ts";
import type { ResolvedAuth } from "./auth/secrets.ts";
import { Client, type ClientHost, type Welcome } from "./client.ts";
import type { OpenClawConfig } from "./config/schema.ts";
import type { ConfigService } from "./config/service.ts";
import type { GatewayIdentity } from "./device/identity.ts";
import { DeviceRegistry } from "./device/registry.ts";
import { Broadcaster } from "./events/broadcaster.ts";
import type { ChannelPlugin } from "./channels/contract.ts";
import { ChannelManager } from "./channels/manager.ts";
import { deliveryChannels, type DeliveryChannels } from "./channels/delivery.ts";
import { SnapshotPacer } from "./events/pacer.ts";
import { knownEvents, viewClass, type EventName } from "./events/audience.ts";
import { authenticateConnect, type Admission } from "./handshake/connect.ts";
import { buildHello, callerOf } from "./handshake/hello.ts";
import { PreauthGate, type GatedSocket } from "./handshake/preauth-gate.ts";
import { Health } from "./health.ts";
import { NodeHub } from "./nodes/hub.ts";
import { senderPairingPolicy, type SenderPairingPolicy } from "./sender-pairing/policy.ts";
import { SenderPairing } from "./sender-pairing/sender-pairing.ts";
import { Presence, type PresenceEntry } from "./presence/presence.ts";
import { Close, GatewayError } from "./protocol/errors.ts";
import {
  HANDSHAKE_TIMEOUT_MS, MAX_BUFFERED_BYTES, MAX_PREAUTH_SOCKETS, MAX_PREAUTH_SOCKETS_PER_ADDRESS, MAX_TOTAL_BUFFERED_BYTES,
  PREAUTH_READ_SLOTS, PREAUTH_READ_SLOTS_PER_ADDRESS, TICK_INTERVAL_MS,
} from "./protocol/limits.ts";
import { OPENCLAW_COMPAT_VERSION } from "./protocol/version.ts";
import { METHOD_GROUPS } from "./rpc/method-groups.ts";
import { Router, type PreparedCall } from "./rpc/router.ts";
import type { GatewayServices } from "./rpc/services.ts";
import { healthBody } from "./status.ts";
import type { Connection, HostInfo, HostResolver, Logger, LogReader, PinnedFetch, Publisher } from "./runtime.ts";
import type { ProcessHost } from "./runtime.ts";
import { effectiveScopes } from "./scopes/scopes.ts";
import { ToolRegistry } from "./tools/registry.ts";
import type { ToolServices } from "./tools/services.ts";
import type { ChannelStore, DeviceStore, NodeStore, SchedulerStore, SenderPairingStore, SessionStore } from "./store.ts";
import type { ApprovalStore } from "./store.ts";

/** Client modes that never get a presence entry (upstream's ephemeral clients). */
const EPHEMERAL_MODES = new Set(["cli", "backend", "probe"]);

export interface GatewayOptions {
  config: OpenClawConfig;
  auth: ResolvedAuth;
  host: HostInfo;
  /** Derived on first call (it costs a Web Crypto key import). */
  identity: () => Promise<GatewayIdentity>;
  logger: Logger;
  logs: LogReader;
  publisher: Publisher;
  devices: DeviceStore;
  senders: SenderPairingStore;
  nodes: NodeStore;
  /** Sessions, transcripts and agent runs (§6 chat/sessions). */
  sessions: SessionStore;
  /** Cron jobs, their run log and heartbeat state. */
  scheduler: SchedulerStore;
  /** Exec approval requests, decisions and the host approvals document. */
  approvals: ApprovalStore;
  buildId: string;
  /** The file-backed config behind `config.*`; absent when embedded without a file. */
  configService?: ConfigService;
  handshakeTimeoutMs?: number;
  tickIntervalMs?: number;
  now?: () => number;
  /** Chat channels the gateway can run (their code loads only when configured) and where their messages are stored. */
  channelPlugins?: readonly ChannelPlugin[];
  channels?: ChannelStore;
  /** DNS for tools that guard outbound requests (web_fetch); absent, they refuse hostnames. */
  resolveHost?: HostResolver;
  /** Connects web_fetch to the addresses its guard approved (DNS rebinding); absent, names that needed DNS are refused. */
  pinnedFetch?: PinnedFetch;
  /** Runs the exec tool's commands; absent, exec is not offered. */
  processes?: ProcessHost;
  /** Imports hook mapping transforms (`hooks.transformsDir`); absent, a mapping with a transform answers 500. */
  hookTransforms?: HookTransformLoader;
}

/** The connection as the pre-auth gate sees it, when its transport can pause reads. */
function gatedSocket(conn: Connection): GatedSocket | undefined {
  return conn.pauseReading && conn.resumeReading ? (conn as GatedSocket) : undefined;
}

export class Gateway implements ClientHost {
  readonly bootId = crypto.randomUUID();
  readonly startedAt: number;
  readonly router = new Router();
  readonly broadcaster: Broadcaster;
  readonly presence: Presence;
  /** Presence snapshots, latest state wins, at a bounded byte rate (§7). */
  private readonly presencePacer = new SnapshotPacer(() => this.sendPresence());
  private readonly healthPacer = new SnapshotPacer(() => this.sendHealth());
  readonly health: Health;
  readonly devices: DeviceRegistry;
  readonly senders: SenderPairing;
  readonly nodes: NodeHub;
  readonly agents: Agents;
  readonly channels: ChannelManager;
  /** Where hook, cron and heartbeat replies are delivered: the channel service, by channel id and account. */
  readonly deliveries: DeliveryChannels;
  /** The tools agents may call and `/tools/invoke` serves, imported and built on first need. */
  readonly tools = new ToolRegistry(async () => (await import("./tools/builtin.ts")).builtinTools(this.toolServices()));
  readonly approvals: ExecApprovals;
  readonly limiter: AuthRateLimiter;
  readonly handshakeTimeoutMs: number;
  readonly tickIntervalMs: number;
  readonly clients = new Set<Client>();
  /** Unauthenticated sockets: read a few at a time, bounded in number (§1.4). */
  readonly preauth = new PreauthGate({
    readSlots: PREAUTH_READ_SLOTS,
    readSlotsPerAddress: PREAUTH_READ_SLOTS_PER_ADDRESS,
    maxSockets: MAX_PREAUTH_SOCKETS,
    maxSocketsPerAddress: MAX_PREAUTH_SOCKETS_PER_ADDRESS,
  });
  config: OpenClawConfig;
  auth: ResolvedAuth;
  private readonly services: GatewayServices;
  private readonly timers: ReturnType<typeof setInterval>[] = [];
  private broadcastSinceSweep = false;
  private stopping = false;
  private featureList?: ReturnType<Gateway["features"]>;

  constructor(readonly options: GatewayOptions) {
    this.now = options.now ?? Date.now;
    this.startedAt = this.now();
    this.config = options.config;
    this.auth = options.auth;
    this.handshakeTimeoutMs = options.handshakeTimeoutMs ?? HANDSHAKE_TIMEOUT_MS;
    this.tickIntervalMs = options.tickIntervalMs ?? TICK_INTERVAL_MS;
    this.broadcaster = new Broadcaster(options.publisher);
    this.limiter = new AuthRateLimiter({ ...DEFAULT_RATE_LIMIT, ...options.config.gateway?.auth?.rateLimit }, this.now);
    this.presence = new Presence(() => this.selfPresence());
    const now = () => this.now();
    const config = () => this.config;
    const broadcast = (event: EventName, payload: unknown) => this.broadcast(event, payload);
    this.devices = new DeviceRegistry(options.devices, broadcast, {
      autoApproveLocal: () => this.config.gateway?.nodes?.pairing?.autoApproveLocal ?? true,
    });
    const plugins = options.channelPlugins ?? [];
    this.deliveries = deliveryChannels(plugins, config, (request) => this.channels.send(request));
    this.agents = new Agents({ sessions: options.sessions, scheduler: options.scheduler, config, now, broadcast, logger: options.logger, tools: this.tools, channels: this.deliveries });
    this.senders = new SenderPairing({ store: options.senders, limiter: this.limiter, policy: () => this.senderPolicy(), now });
    this.nodes = new NodeHub({
      store: options.nodes,
      devices: options.devices,
      removeDeviceRole: (deviceId, role) => this.devices.removeRole(deviceId, role),
      broadcast,
      commandConfig: () => this.config.gateway?.nodes?.commands,
      now,
    });
    if (plugins.length > 0 && !options.channels) throw new Error("channel plugins need a channel store");
    this.channels = new ChannelManager({
      plugins, store: options.channels!, agents: this.agents, senders: this.senders, config, now, logger: options.logger,
      configService: () => options.configService,
    });
    this.approvals = new ExecApprovals({
      store: options.approvals, now, broadcast, databasePath: options.host.databasePath, logger: options.logger,
      hasApprovalClients: (excludeConnId) => this.hasApprovalClients(excludeConnId),
    });
    const { host } = options;
    const sources = { config, now, host, agents: this.agents };
    this.health = new Health({
      now,
      cpuMicros: () => host.cpuMicros(),
      body: () => healthBody(sources),
      changed: () => this.broadcastHealth(),
    });
    // Every service exists before any method group sees them; each group is built on its first call.
    this.services = {
      bootId: this.bootId,
      startedAt: this.startedAt,
      buildId: options.buildId,
      host,
      tickIntervalMs: this.tickIntervalMs,
      now,
      auth: () => this.auth,
      config,
      features: () => this.features(),
      broadcast,
      broadcastPresence: () => this.broadcastPresence(),
      presence: this.presence,
      health: this.health,
      devices: this.devices,
      isDeviceConnected: (deviceId) => this.isDeviceConnected(deviceId),
      disconnectDevice: (deviceId, role) => this.disconnectDevice(deviceId, role),
      senders: this.senders,
      senderPolicy: () => this.senderPolicy(),
      nodes: this.nodes,
      agents: this.agents,
      configService: options.configService,
      logs: options.logs,
      identity: options.identity,
      channels: this.channels,
      approvals: this.approvals,
    };
    for (const group of METHOD_GROUPS) this.router.addLazy(group.methods, async () => (await group.load())(this.services));
  }

  /** Tools call the gateway's methods as an in-process operator with only the scopes each call needs. */
  private toolServices(): ToolServices {
    return {
      now: this.now,
      config: () => this.config,
      resolveHost: this.options.resolveHost,
      pinnedFetch: this.options.pinnedFetch,
      processes: this.options.processes,
      approvals: this.approvals,
      stateDir: this.options.host.stateDir,
      call: async (name, params, scopes) => (await this.router.prepare(name, params, {
        connId: "tools", role: "operator", scopes, effective: effectiveScopes(scopes), clientId: "gateway-tool", clientMode: "backend", authMethod: "token",
      }))(),
    };
  }

  readonly now: () => number;

  /** Starts the global timers: tick (§1.5), health refresh and the slow-consumer sweep (§1.4); then the agent scheduler. */
  start(): void {
    this.agents.start();
    // Configured channel accounts connect in the background; each reports its own failures in status.
    void this.channels.start();
    this.approvals.start();
    this.timers.push(setInterval(() => this.broadcast("tick", { ts: this.now() }), this.tickIntervalMs));
    this.timers.push(setInterval(() => this.health.refresh(), 60_000));
    this.timers.push(setInterval(() => {
      this.health.eventLoop.beat(1_000);
      this.sweepSlowConsumers();
    }, 1_000));
  }

  /** Takes a new transport connection: sends the challenge, returns its handler. */
  open(conn: Connection): Client {
    const client = new Client(conn, this);
    if (this.stopping) {
      conn.close(Close.tryAgainLater, "gateway stopping");
      return client;
    }
    const gated = gatedSocket(conn);
    if (gated && !this.preauth.enter(gated)) {
      this.options.logger.warn("gateway/ws", "too many unauthenticated connections", { remote: conn.peer.remoteAddress });
      conn.close(Close.tryAgainLater, "too many unauthenticated connections");
      return client;
    }
    this.clients.add(client);
    client.start();
    return client;
  }

  authenticate(client: Client, rawParams: unknown): Promise<Admission> {
    return authenticateConnect({
      rawParams,
      peer: client.conn.peer,
      challengeNonce: client.nonce,
      auth: this.auth,
      trustedProxies: this.config.gateway?.trustedProxies ?? [],
      allowedOrigins: this.config.gateway?.controlUi?.allowedOrigins ?? [],
      limiter: this.limiter,
      devices: this.devices,
      now: this.now(),
    }).catch((error: unknown) => {
      // One identical line per refusal kind: the log's flood guard coalesces brute-force runs.
      const details = error instanceof GatewayError ? error.shape.details : undefined;
      this.options.logger.warn("gateway/ws", "connect refused", {
        connId: client.connId, remote: client.conn.peer.remoteAddress, code: details?.code, reason: details?.authReason,
      });
      throw error;
    });
  }

  welcome(client: Client, admission: Admission): Welcome {
    this.leavePreauth(client);
    const caller = callerOf(client.connId, admission);
    const view = viewClass(caller.role, caller.effective);
    const { params } = admission;
    // CLI, backend and probe connections are short-lived tools, not presences: upstream leaves
    // them out, which also keeps presence fan-out from growing with every script that connects.
    const tracked = !EPHEMERAL_MODES.has(params.client.mode);
    if (tracked) {
      this.presence.connect(client.connId, {
          host: params.client.displayName ?? params.client.id,
          ip: client.conn.peer.remoteAddress,
          version: params.client.version,
          platform: params.client.platform,
          deviceFamily: params.client.deviceFamily,
          mode: params.client.mode,
          reason: "connect",
          instanceId: params.client.instanceId,
          deviceId: admission.device?.deviceId,
          roles: [admission.role],
          scopes: admission.scopes,
          ts: this.now(),
        });
    }
    const hello = buildHello(this.services, caller, admission);
    if (admission.role === "node") this.nodes.attach(client.nodeLink(), admission, client.conn.peer.remoteAddress);
    this.broadcaster.join(client.conn, view);
    // Queue the presence broadcast behind hello-ok so the client sees hello first.
    if (tracked) queueMicrotask(() => this.broadcastPresence());
    this.options.logger.info("gateway/ws", "client connected", {
      connId: client.connId, client: params.client.id, mode: params.client.mode, role: admission.role, auth: admission.method, remote: client.conn.peer.remoteAddress,
    });
    return { caller, view, hello };
  }

  prepare(name: string, params: unknown, caller: Parameters<Router["prepare"]>[2]): PreparedCall | Promise<PreparedCall> {
    return this.router.prepare(name, params, caller);
  }

  closed(client: Client): void {
    this.leavePreauth(client);
    if (!this.clients.delete(client) || !client.caller) return;
    this.broadcaster.leave(client.conn, client.view);
    if (client.caller.role === "node" && client.caller.deviceId) this.nodes.detach(client.caller.deviceId, client.connId);
    if (this.presence.disconnect(client.connId) !== null) this.broadcastPresence();
  }

  logError(message: string, fields: Record<string, unknown>): void {
    this.options.logger.error("gateway/ws", message, fields);
  }

  /** Broadcasts one event to everyone allowed to see it. */
  broadcast(event: EventName, payload: unknown): void {
    if (this.broadcaster.broadcast(event, payload) > 0) this.broadcastSinceSweep = true;
  }

  /**
   * Presence changed: readers get a `presence` event with the full snapshot
   * and stateVersion (§7), paced (events/pacer.ts), so a burst of changes
   * reaches them as its latest state.
   */
  broadcastPresence(): void {
    this.presencePacer.request();
  }

  private sendPresence(): number {
    const stateVersion = { presence: this.presence.version, health: this.health.version };
    const bytes = this.broadcaster.broadcast("presence", { presence: this.presence.list(this.now()) }, stateVersion);
    if (bytes > 0) this.broadcastSinceSweep = true;
    return bytes;
  }

  /** The health snapshot changed: `health` with stateVersion (§7), paced like presence. */
  broadcastHealth(): void {
    this.healthPacer.request();
  }

  private sendHealth(): number {
    const stateVersion = { presence: this.presence.version, health: this.health.version };
    const bytes = this.broadcaster.broadcast("health", { ...this.health.get(), eventLoop: this.health.eventLoop.current }, stateVersion);
    if (bytes > 0) this.broadcastSinceSweep = true;
    return bytes;
  }

  /** Whether any open session belongs to the device, for `device.pair.list`'s `connected`. */
  isDeviceConnected(deviceId: string): boolean {
    for (const c of this.clients) if (c.caller?.deviceId === deviceId) return true;
    return false;
  }

  /** Whether an operator who may decide exec approvals is connected, other than `excludeConnId`. */
  hasApprovalClients(excludeConnId?: string): boolean {
    for (const c of this.clients) {
      if (c.connId !== excludeConnId && c.caller?.role === "operator" && c.caller.effective.has("operator.approvals")) return true;
    }
    return false;
  }

  /** Sender pairing limits from the live config (`pairing.codeExpiry`, `pairing.maxPending`). */
  senderPolicy(): SenderPairingPolicy {
    return senderPairingPolicy(this.config);
  }

  /** Ends a device's sessions (of one role) after its pairing or token changed: 4001, as upstream. */
  disconnectDevice(deviceId: string, role?: string): void {
    for (const c of this.clients) {
      if (c.caller?.deviceId === deviceId && (role === undefined || c.caller.role === role)) c.close(Close.authChanged, "device removed");
    }
  }

  /**
   * Closes sockets whose outbound backlog passed `maxBufferedBytes` (§1.4),
   * then, while all backlogs together pass MAX_TOTAL_BUFFERED_BYTES, the
   * largest ones first.
   */
  sweepSlowConsumers(): void {
    if (!this.broadcastSinceSweep) return;
    this.broadcastSinceSweep = false;
    let total = 0;
    const backlogged: { client: Client; bytes: number }[] = [];
    for (const client of this.clients) {
      if (client.state !== "ready") continue;
      const bytes = client.conn.bufferedAmount();
      if (bytes === 0) continue;
      if (bytes > MAX_BUFFERED_BYTES) this.closeSlowConsumer(client, bytes);
      else {
        total += bytes;
        backlogged.push({ client, bytes });
      }
    }
    if (total <= MAX_TOTAL_BUFFERED_BYTES) return;
    backlogged.sort((a, b) => b.bytes - a.bytes);
    for (const { client, bytes } of backlogged) {
      if (total <= MAX_TOTAL_BUFFERED_BYTES) break;
      this.closeSlowConsumer(client, bytes);
      total -= bytes;
    }
  }

  private closeSlowConsumer(client: Client, bytes: number): void {
    this.options.logger.warn("gateway/ws", "closing slow consumer", { connId: client.connId, bufferedBytes: bytes });
    client.close(Close.policy, "slow consumer");
  }

  /**
   * A hot config reload (§11): the new config, the auth rate limit it sets,
   * and its resolved auth, applied as `setAuth` does.
   */
  applyConfig(config: OpenClawConfig, auth: ResolvedAuth): void {
    this.config = config;
    this.limiter.setPolicy({ ...DEFAULT_RATE_LIMIT, ...config.gateway?.auth?.rateLimit });
    this.setAuth(auth);
    void this.channels.reconcile();
  }

  /** Applies new auth: shared-secret sessions whose secret changed are closed 4001 (§11). */
  setAuth(auth: ResolvedAuth): void {
    const changed = auth.mode !== this.auth.mode || auth.token !== this.auth.token || auth.password !== this.auth.password;
    this.auth = auth;
    if (!changed) return;
    for (const client of this.clients) {
      const method = client.admission?.method;
      if (method === "token" || method === "password") client.close(Close.authChanged, "gateway auth changed");
    }
  }

  /** `shutdown` to everyone, then close 1012 (§7, §12). */
  shutdown(restartExpectedMs?: number): void {
    if (this.stopping) return;
    this.stopping = true;
    for (const t of this.timers) clearInterval(t);
    this.presencePacer.stop();
    this.healthPacer.stop();
    this.nodes.shutdown();
    void this.channels.stop();
    this.approvals.stop();
    // Runs end (and are persisted as interrupted) while clients can still see their events.
    this.agents.shutdown();
    this.broadcast("shutdown", restartExpectedMs === undefined ? { reason: "gateway stopping" } : { reason: "gateway stopping", restartExpectedMs });
    for (const client of this.clients) client.close(Close.restart, "service restart");
    this.clients.clear();
  }

  /**
   * A socket closed before hello-ok is never read again and gives up its pre-auth read slot now:
   * waiting for its transport close would let a peer that never answers the close frame hold the
   * slot (ws waits up to 30 s), and so stall every other unauthenticated socket from its address.
   */
  refusing(client: Client): void {
    const gated = gatedSocket(client.conn);
    if (!gated) return;
    gated.pauseReading();
    this.preauth.leave(gated);
  }

  private leavePreauth(client: Client): void {
    const gated = gatedSocket(client.conn);
    if (gated) this.preauth.leave(gated);
  }

  private selfPresence(): PresenceEntry {
    const { host } = this.options;
    return {
      host: host.hostname,
      ip: host.ip,
      version: OPENCLAW_COMPAT_VERSION,
      platform: host.platform,
      deviceFamily: host.deviceFamily,
      mode: "gateway",
      reason: "self",
      instanceId: this.bootId,
      text: `Gateway: ${host.hostname}${host.ip ? ` (${host.ip})` : ""} · clawgate ${this.options.buildId}`,
      ts: this.startedAt,
    };
  }

  /**
   * `hello-ok.features`: method and event names. Built once, on the first
   * hello, since every method group registers in the constructor; each
   * hello-ok then reuses it instead of copying ~100 names.
   */
  features(): Readonly<{ methods: readonly string[]; events: readonly string[]; capabilities: readonly string[] }> {
    return (this.featureList ??= Object.freeze({ methods: this.router.names(), events: knownEvents(), capabilities: [] }));
  }
}
