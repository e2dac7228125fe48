/**
 * Device pairing and device token methods (spec §6 `device.pair.*`,
 * `device.token.*`). Runtime-agnostic.
 */
import { z } from "../../zod.ts";
import type { ManagementCaller } from "../../device/management.ts";
import type { DeviceRegistry } from "../../device/registry.ts";
import { method, noParams, type Caller } from "../router.ts";

const nonEmpty = z.string().check(z.minLength(1));
const requestId = z.lazy(() => z.strictObject({ requestId: nonEmpty }));
const deviceRole = z.lazy(() => z.strictObject({ deviceId: nonEmpty, role: nonEmpty }));

/** What the device methods use. */
export interface DeviceMethodsContext {
  devices: DeviceRegistry;
  now(): number;
  /** Whether any open session belongs to the device (`device.pair.list`'s `connected`). */
  isDeviceConnected(deviceId: string): boolean;
  /** Closes the device's sessions (of one role) 4001. */
  disconnectDevice(deviceId: string, role?: string): void;
}

/** Device-token sessions are limited to their own device (§6); others act as the owner. */
function manager(caller: Caller): ManagementCaller {
  return { scopes: caller.scopes, deviceTokenDeviceId: caller.authMethod === "device-token" ? caller.deviceId : undefined };
}

export function deviceMethods(ctx: DeviceMethodsContext) {
  const reg = ctx.devices;
  /** The device's open sessions end once their pairing or token changed, after this reply is sent. */
  const disconnectLater = (deviceId: string, role?: string) => queueMicrotask(() => ctx.disconnectDevice(deviceId, role));

  return [
    method("device.pair.list", noParams, (_p, caller) => reg.list(manager(caller), ctx.now(), (id) => ctx.isDeviceConnected(id))),
    method("device.pair.approve", requestId, (p, caller) => reg.approve(p.requestId.trim(), manager(caller), ctx.now())),
    method("device.pair.reject", requestId, (p, caller) => reg.reject(p.requestId.trim(), manager(caller), ctx.now())),
    method("device.pair.remove", z.lazy(() => z.strictObject({ deviceId: nonEmpty })), (p, caller) => {
      const result = reg.remove(p.deviceId, manager(caller));
      disconnectLater(p.deviceId);
      return result;
    }),
    method("device.pair.rename", z.lazy(() => z.strictObject({ deviceId: nonEmpty, label: z.string().check(z.minLength(1), z.maxLength(64)) })), (p, caller) => reg.rename(p.deviceId, p.label, manager(caller))),
    method("device.token.rotate", z.lazy(() => z.strictObject({ deviceId: nonEmpty, role: nonEmpty, scopes: z.optional(z.array(nonEmpty)) })), (p, caller) => {
      const result = reg.rotate(p.deviceId, p.role, p.scopes, manager(caller), ctx.now());
      disconnectLater(p.deviceId, p.role);
      return result;
    }),
    method("device.token.revoke", deviceRole, (p, caller) => {
      const result = reg.revoke(p.deviceId, p.role, manager(caller), ctx.now());
      disconnectLater(p.deviceId, p.role);
      return result;
    }),
  ];
}
