/**
 * The services method groups are built from. The gateway builds every service
 * first and hands this one object to each group; a group names the few it
 * uses (`Pick<GatewayServices, ...>`), so it can be built, read and tested
 * without a Gateway, and nothing here imports core/gateway.ts back.
 * Runtime-agnostic.
 */
import type { Agents } from "../agent/agents.ts";
import type { ChannelManager } from "../channels/manager.ts";
import type { ExecApprovals } from "../approvals/approvals.ts";
import type { ResolvedAuth } from "../auth/secrets.ts";
import type { OpenClawConfig } from "../config/schema.ts";
import type { ConfigService } from "../config/service.ts";
import type { GatewayIdentity } from "../device/identity.ts";
import type { DeviceRegistry } from "../device/registry.ts";
import type { EventName } from "../events/audience.ts";
import type { Health } from "../health.ts";
import type { NodeHub } from "../nodes/hub.ts";
import type { SenderPairingPolicy } from "../sender-pairing/policy.ts";
import type { SenderPairing } from "../sender-pairing/sender-pairing.ts";
import type { Presence } from "../presence/presence.ts";
import type { HostInfo, LogReader } from "../runtime.ts";
import type { MethodDef } from "./router.ts";

export interface GatewayServices {
  /** This process's id (`server.bootId`, cron's `processInstanceId`). */
  bootId: string;
  startedAt: number;
  buildId: string;
  host: HostInfo;
  tickIntervalMs: number;
  now(): number;
  /** The live auth settings (`hello-ok.snapshot.authMode`). */
  auth(): ResolvedAuth;
  /** The live config: reloads replace it, so it is read per call. */
  config(): OpenClawConfig;
  /** `hello-ok.features`: method and event names (built once; read-only). */
  features(): Readonly<{ methods: readonly string[]; events: readonly string[]; capabilities: readonly string[] }>;
  /** Sends one event to every socket allowed to see it (§7). */
  broadcast(event: EventName, payload: unknown): void;
  /** Presence changed: readers get the snapshot (§7). */
  broadcastPresence(): void;
  presence: Presence;
  health: Health;
  devices: DeviceRegistry;
  /** Whether any open session belongs to the device (`device.pair.list`'s `connected`). */
  isDeviceConnected(deviceId: string): boolean;
  /** Ends a device's sessions (of one role) 4001 after its pairing or token changed. */
  disconnectDevice(deviceId: string, role?: string): void;
  senders: SenderPairing;
  senderPolicy(): SenderPairingPolicy;
  nodes: NodeHub;
  agents: Agents;
  /** The file-backed config behind `config.*`; absent when embedded without a file. */
  configService?: ConfigService;
  logs: LogReader;
  /** The gateway's own device identity, derived on first call. */
  identity(): Promise<GatewayIdentity>;
  /** Chat channels: status, start/stop, and `send` for every feature that delivers a message. */
  channels: ChannelManager;
  /** Exec approval requests and the host approvals document. */
  approvals: ExecApprovals;
}

/** A method group: the services it uses in, its method definitions out. */
export type MethodGroup = (services: GatewayServices) => readonly MethodDef<any>[];

/** A method group known by its method names until one is called, then imported (rpc/method-groups.ts). */
export interface LazyMethodGroup {
  /** The names of the methods it defines, in its order. */
  methods: readonly string[];
  load(): Promise<MethodGroup>;
}
