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
  platform?: string;
  deviceFamily?: string;
  clientId: string;
  clientMode: string;
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
  silent: boolean;
  isRepair: boolean;
  reason: "not-paired" | "role-upgrade" | "scope-upgrade" | "metadata-upgrade";
  ts: number;
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
