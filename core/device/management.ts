/**
 * Who may manage which device (spec §4.3, §5, §6 `device.*`): the checks
 * upstream applies on top of the method scope. Runtime-agnostic.
 */
import { effectiveScopes, SCOPES } from "../scopes/scopes.ts";

/** The caller of a device management method. */
export interface ManagementCaller {
  /** The scopes the session was granted. */
  scopes: readonly string[];
  /** Set only for sessions authenticated by a device token: the device they speak for. */
  deviceTokenDeviceId?: string;
}

/** Upstream treats a caller as admin only when it holds `operator.admin` itself. */
export function isAdminCaller(caller: ManagementCaller): boolean {
  return caller.scopes.includes("operator.admin");
}

/** A device-token session may manage only its own device unless it is admin. */
export function deniesCrossDevice(caller: ManagementCaller, targetDeviceId: string): boolean {
  return Boolean(caller.deviceTokenDeviceId && caller.deviceTokenDeviceId !== targetDeviceId && !isAdminCaller(caller));
}

/**
 * The first known operator scope in `requested` the caller does not hold
 * (with implication): nobody grants or keeps a token broader than their own.
 * Unknown strings are ignored, as everywhere else (§5).
 */
export function missingCallerScope(requested: readonly string[], caller: ManagementCaller): string | undefined {
  const held: ReadonlySet<string> = effectiveScopes(caller.scopes);
  const known: readonly string[] = SCOPES;
  return requested.find((scope) => known.includes(scope) && !held.has(scope));
}
