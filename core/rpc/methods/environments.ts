/**
 * `environments.list` (upstream's EnvironmentsListResult): where sessions
 * can run. clawgate runs every agent turn in the gateway itself, so the list
 * is upstream's "Gateway local" environment; it has no cloud workers (no
 * `profiles`) and no desktop host (`desktopSetup` "unsupported").
 * Runtime-agnostic.
 */
import { z } from "../../zod.ts";
import { missingScope } from "../../protocol/errors.ts";
import { method } from "../router.ts";
import type { GatewayServices } from "../services.ts";
import { hostPlatform } from "./system-info.ts";

/** What the group uses. */
export type EnvironmentsMethodsContext = Pick<GatewayServices, "host">;

const listParams = z.lazy(() => z.strictObject({
  runtimeId: z.optional(z.string().check(z.minLength(1), z.maxLength(128))),
  projection: z.optional(z.literal("profiles")),
  includeDesktopSetup: z.optional(z.boolean()),
}));

export function environmentsMethods(ctx: EnvironmentsMethodsContext) {
  const gateway = {
    id: "gateway", type: "local", label: "Gateway local", status: "available", platform: hostPlatform(ctx),
    sessionHost: true, trust: "persistent", capabilities: ["agent.run", "sessions", "tools", "workspace"],
  };
  return [
    method("environments.list", listParams, (p, caller) => {
      // Upstream: a runtime-scoped listing is a placement decision and needs write.
      if (p.runtimeId !== undefined && !caller.effective.has("operator.write") && !caller.effective.has("operator.admin")) throw missingScope("operator.write");
      if (p.projection === "profiles") return { environments: [] };
      return { environments: [p.includeDesktopSetup ? { ...gateway, desktopSetup: { state: "unsupported" } } : gateway] };
    }),
  ];
}
