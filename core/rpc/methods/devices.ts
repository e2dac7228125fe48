/**
 * Device pairing and device token methods (spec §6 `device.pair.*`,
 * `device.token.*`). Runtime-agnostic.
 */
import { z } from "zod";
import type { Gateway } from "../../gateway.ts";
import { method, missingScope, noParams } from "../router.ts";

const requestId = z.strictObject({ requestId: z.string().min(1) });
const deviceId = z.strictObject({ deviceId: z.string().min(1) });

export function deviceMethods(gw: Gateway) {
  const reg = gw.devices;
  return [
    method("device.pair.list", noParams, () => reg.list(gw.now(), (id) => gw.isDeviceConnected(id))),
    method("device.pair.approve", requestId, (p, caller) => reg.approve(p.requestId, caller.scopes, gw.now())),
    method("device.pair.reject", requestId, (p) => reg.reject(p.requestId, gw.now())),
    method("device.pair.remove", deviceId, (p) => reg.remove(p.deviceId)),
    method("device.pair.rename", z.strictObject({ deviceId: z.string().min(1), displayName: z.string().min(1).max(128) }), (p) => reg.rename(p.deviceId, p.displayName)),
    method("device.token.rotate", z.strictObject({ deviceId: z.string().min(1), role: z.string().min(1), scopes: z.array(z.string()).optional() }),
      (p, caller) => {
        // Tokens for non-operator roles are admin business (§4.3).
        if (p.role !== "operator" && !caller.effective.has("operator.admin")) throw missingScope("operator.admin");
        return reg.rotate(p.deviceId, p.role, p.scopes, caller.deviceId === p.deviceId, gw.now());
      },
    ),
    method("device.token.revoke", z.strictObject({ deviceId: z.string().min(1), role: z.string().min(1) }), (p, caller) => {
      if (p.role !== "operator" && !caller.effective.has("operator.admin")) throw missingScope("operator.admin");
      return reg.revoke(p.deviceId, p.role, gw.now());
    }),
  ];
}
