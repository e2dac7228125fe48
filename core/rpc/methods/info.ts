/**
 * Read-only information methods: logs, models, channel status (core/channels) and the gateway's
 * identity (spec §6). Runtime-agnostic.
 */
import { z } from "../../zod.ts";
import { EMBEDDED_MODEL_REF } from "../../agent/embedded.ts";
import { modelRefs } from "../../agent/models.ts";
import { agentIds } from "../../sessions/keys.ts";
import { method, noParams } from "../router.ts";
import type { GatewayServices } from "../services.ts";

const DEFAULT_LOG_LIMIT = 200;
const DEFAULT_LOG_BYTES = 256 * 1024;

/**
 * Models named in `models.providers.<id>.models[]`, as `models.list` reports
 * them, and the embedded agent's while some agent runs it (no model of its
 * own): it is that agent's working model, which a model picker must show.
 */
export function configuredModels(ctx: Pick<InfoMethodsContext, "config">): { id: string; name: string; provider: string }[] {
  const config = ctx.config();
  const out: { id: string; name: string; provider: string }[] = [];
  if (agentIds(config).some((id) => modelRefs(config, id)[0] === EMBEDDED_MODEL_REF)) out.push({ id: EMBEDDED_MODEL_REF, name: "Embedded agent", provider: "clawgate" });
  for (const [provider, entry] of Object.entries(config.models?.providers ?? {})) {
    for (const m of entry.models ?? []) {
      const id = typeof m === "string" ? m : m.id;
      out.push({ id: `${provider}/${id}`, name: typeof m === "string" ? m : m.name ?? m.id, provider });
    }
  }
  return out;
}

/** What the group uses. */
export type InfoMethodsContext = Pick<GatewayServices, "config" | "now" | "health" | "logs" | "identity" | "channels">;

export function infoMethods(ctx: InfoMethodsContext) {
  return [
    method("logs.tail", z.lazy(() => z.strictObject({ cursor: z.optional(z.int().check(z.gte(0))), limit: z.optional(z.int().check(z.gte(1), z.lte(5000))), maxBytes: z.optional(z.int().check(z.gte(1))) })),
      (p) => ctx.logs.tail({ cursor: p.cursor, limit: p.limit ?? DEFAULT_LOG_LIMIT, maxBytes: p.maxBytes ?? DEFAULT_LOG_BYTES }),
    ),

    // Upstream's ModelsListParams; one catalog (configuredModels) whatever the view, session or profile.
    method("models.list", z.lazy(() => z.strictObject({
      agentId: z.optional(z.string()),
      sessionKey: z.optional(z.string().check(z.minLength(1))),
      authProfileId: z.optional(z.string().check(z.minLength(1))),
      provider: z.optional(z.string().check(z.minLength(1))),
      includeDetails: z.optional(z.boolean()),
      includeProviderCapabilities: z.optional(z.boolean()),
      includeDefaultModels: z.optional(z.boolean()),
      preparedOnly: z.optional(z.boolean()),
      refresh: z.optional(z.boolean()),
      view: z.optional(z.string()),
    })), () => ({ models: configuredModels(ctx) })),

    method("channels.status", z.lazy(() => z.strictObject({ probe: z.optional(z.boolean()), timeoutMs: z.optional(z.int().check(z.gte(0))), channel: z.optional(z.string().check(z.minLength(1))) })),
      async (p) => ({ ...(await ctx.channels.status(p)), eventLoop: ctx.health.eventLoop.current }),
    ),

    method("gateway.identity.get", noParams, async () => ({ ...(await ctx.identity()) })),
  ];
}
