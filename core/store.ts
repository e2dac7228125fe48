/**
 * Durable state behind an interface: core decides what is stored, the shim
 * decides how (bun:sqlite in WAL mode). Calls are synchronous because the
 * embedded databases are; each mutating call is durable when it returns.
 * Runtime-agnostic.
 */

/** A device the owner (or a silent local rule) approved (§4.4). */
export interface PairedDevice {
  deviceId: string;
  publicKey: string;
  displayName?: string;
  /** Owner-side label from `device.pair.rename`; survives re-approval. */
  operatorLabel?: string;
  platform?: string;
  deviceFamily?: string;
  clientId: string;
  clientMode: string;
  remoteIp?: string;
  roles: string[];
  scopes: string[];
  approvedVia: "silent" | "owner";
  approvedAtMs: number;
}

/** A pairing request awaiting the owner (§4.4, §6 `device.pair.list`). */
export interface PendingPairing {
  requestId: string;
  deviceId: string;
  publicKey: string;
  displayName?: string;
  platform?: string;
  deviceFamily?: string;
  clientId: string;
  clientMode: string;
  role: string;
  roles: string[];
  scopes: string[];
  remoteIp?: string;
  silent: boolean;
  isRepair: boolean;
  reason: "not-paired" | "role-upgrade" | "scope-upgrade" | "metadata-upgrade";
  ts: number;
  /** Last identical retry; the request expires five minutes after this (§4.4). */
  refreshedAtMs?: number;
}

/** A device token, kept only as a hash (§4.3). */
export interface DeviceTokenRecord {
  deviceId: string;
  role: string;
  tokenHash: string;
  scopes: string[];
  createdAtMs: number;
}

/** What the device registry needs from storage. */
export interface DeviceStore {
  getPaired(deviceId: string): PairedDevice | undefined;
  listPaired(): PairedDevice[];
  putPaired(device: PairedDevice): void;
  deletePaired(deviceId: string): boolean;
  getPending(requestId: string): PendingPairing | undefined;
  listPending(): PendingPairing[];
  putPending(request: PendingPairing): void;
  deletePending(requestId: string): boolean;
  getToken(deviceId: string, role: string): DeviceTokenRecord | undefined;
  listTokens(deviceId: string): DeviceTokenRecord[];
  putToken(record: DeviceTokenRecord): void;
  deleteToken(deviceId: string, role: string): boolean;
  /** Runs `fn` atomically: all of its writes land, or none. */
  transaction<T>(fn: () => T): T;
}

/** The command surface a node had approved, keyed by its device id (§8 node pairing). */
export interface PairedNode {
  nodeId: string;
  clientId: string;
  clientMode: string;
  displayName?: string;
  platform?: string;
  deviceFamily?: string;
  version?: string;
  modelIdentifier?: string;
  caps: string[];
  commands: string[];
  permissions?: Record<string, boolean>;
  remoteIp?: string;
  createdAtMs: number;
  approvedAtMs: number;
  lastConnectedAtMs?: number;
  lastDisconnectedAtMs?: number;
  lastSeenAtMs?: number;
  lastSeenReason?: string;
  lastHostStats?: Record<string, unknown>;
}

/** A node's declared surface awaiting approval; at most one per node, no expiry (§8). */
export interface PendingNodePairing {
  requestId: string;
  nodeId: string;
  clientId: string;
  clientMode: string;
  displayName?: string;
  platform: string;
  version: string;
  deviceFamily?: string;
  modelIdentifier?: string;
  caps: string[];
  commands: string[];
  permissions?: Record<string, boolean>;
  remoteIp?: string;
  silent?: boolean;
  ts: number;
}

/** What node pairing needs from storage. */
export interface NodeStore {
  getNode(nodeId: string): PairedNode | undefined;
  listNodes(): PairedNode[];
  putNode(node: PairedNode): void;
  deleteNode(nodeId: string): boolean;
  getNodePending(nodeId: string): PendingNodePairing | undefined;
  listNodePending(): PendingNodePairing[];
  /** Replaces the node's pending request, if it had one. */
  putNodePending(request: PendingNodePairing): void;
  deleteNodePending(nodeId: string): boolean;
  /** Runs `fn` atomically: all of its writes land, or none. */
  transaction<T>(fn: () => T): T;
}
