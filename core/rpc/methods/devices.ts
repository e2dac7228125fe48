/**
 * Device pairing and device token methods (spec §6 `device.pair.*`,
 * `device.token.*`). Runtime-agnostic.
 */
import { z } from "../../zod.ts";
import type { ManagementCaller } from "../../device/management.ts";
import type { Gateway } from "../../gateway.ts";
import { method, noParams, type Caller } from "../router.ts";

const nonEmpty = z.string().check(z.minLength(1));
const requestId = z.lazy(() => z.strictObject({ requestId: nonEmpty }));
const deviceRole = z.lazy(() => z.strictObject({ deviceId: nonEmpty, role: nonEmpty }));

export function deviceMethods(gw: Gateway) {
  const reg = gw.devices;
  /** Device-token sessions are limited to their own device (§6); others act as the owner. */
  const manager = (caller: Caller): ManagementCaller => {
    const viaDeviceToken = [...gw.clients].some((c) => c.connId === caller.connId && c.admission?.method === "device-token");
    return { scopes: caller.scopes, deviceTokenDeviceId: viaDeviceToken ? caller.deviceId : undefined };
  };
  /** The device's open sessions end once their pairing or token changed, after this reply is sent. */
  const disconnectLater = (deviceId: string, role?: string) => queueMicrotask(() => gw.disconnectDevice(deviceId, role));

  return [
    method("device.pair.list", noParams, (_p, caller) => reg.list(manager(caller), gw.now(), (id) => gw.isDeviceConnected(id))),
    method("device.pair.approve", requestId, (p, caller) => reg.approve(p.requestId.trim(), manager(caller), gw.now())),
    method("device.pair.reject", requestId, (p, caller) => reg.reject(p.requestId.trim(), manager(caller), gw.now())),
    method("device.pair.remove", z.lazy(() => z.strictObject({ deviceId: nonEmpty })), (p, caller) => {
      const result = reg.remove(p.deviceId, manager(caller));
      disconnectLater(p.deviceId);
      return result;
    }),
    method("device.pair.rename", z.lazy(() => z.strictObject({ deviceId: nonEmpty, label: z.string().check(z.minLength(1), z.maxLength(64)) })), (p, caller) => reg.rename(p.deviceId, p.label, manager(caller))),
    method("device.token.rotate", z.lazy(() => z.strictObject({ deviceId: nonEmpty, role: nonEmpty, scopes: z.optional(z.array(nonEmpty)) })), (p, caller) => {
      const result = reg.rotate(p.deviceId, p.role, p.scopes, manager(caller), gw.now());
      disconnectLater(p.deviceId, p.role);
      return result;
    }),
    method("device.token.revoke", deviceRole, (p, caller) => {
      const result = reg.revoke(p.deviceId, p.role, manager(caller), gw.now());
      disconnectLater(p.deviceId, p.role);
      return result;
    }),
  ];
}
