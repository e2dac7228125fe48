/**
 * `system.info`: the gateway host's identity and resources, as upstream's
 * Systems page shows them (SystemInfoResult). The machine facts come from
 * the shim (HostInfo.machine); clawgate keeps no utility model, so the
 * default agent's is "unavailable". Runtime-agnostic.
 */
import { method, noParams } from "../router.ts";
import type { GatewayServices } from "../services.ts";

/** What the group uses. */
export type SystemInfoMethodsContext = Pick<GatewayServices, "host" | "now" | "startedAt" | "bootId">;

/** `HostInfo.platform` is "<os> <release>"; upstream reports the OS alone (`os.platform()`). */
export const hostPlatform = (ctx: Pick<GatewayServices, "host">): string => ctx.host.platform.split(" ")[0]!;

export function systemInfoMethods(ctx: SystemInfoMethodsContext) {
  return [
    method("system.info", noParams, () => {
      const { release, arch, cpuCount, cpuModel, loadAverage, memoryTotalBytes, memoryFreeBytes } = ctx.host.machine();
      const platform = hostPlatform(ctx);
      return {
        machineName: ctx.host.hostname,
        hostname: ctx.host.hostname,
        platform,
        release,
        arch,
        osLabel: `${platform} ${release} (${arch})`,
        ...(ctx.host.ip ? { lanAddress: ctx.host.ip } : {}),
        nodeVersion: ctx.host.runtime,
        pid: ctx.host.pid,
        processInstanceId: ctx.bootId,
        uptimeMs: Math.max(0, Math.round(ctx.now() - ctx.startedAt)),
        cpuCount,
        ...(cpuModel ? { cpuModel } : {}),
        // Upstream leaves the load out where the OS reports none (all zeros).
        ...(loadAverage.some((v) => v !== 0) ? { loadAverage } : {}),
        memoryTotalBytes,
        memoryFreeBytes,
        defaultAgentUtilityModel: { status: "unavailable" },
      };
    }),
  ];
}
