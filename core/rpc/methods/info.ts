/**
 * Read-only information methods: logs, models, channels and the gateway's
 * identity (spec §6). Runtime-agnostic.
 */
import { z } from "zod";
import type { Gateway } from "../../gateway.ts";
import { method, noParams } from "../router.ts";

const DEFAULT_LOG_LIMIT = 200;
const DEFAULT_LOG_BYTES = 256 * 1024;

/** Models named in `models.providers.<id>.models[]`, as `models.list` reports them. */
function configuredModels(gw: Gateway): { id: string; name: string; provider: string }[] {
  const out: { id: string; name: string; provider: string }[] = [];
  for (const [provider, entry] of Object.entries(gw.config.models?.providers ?? {})) {
    for (const m of entry.models ?? []) {
      const id = typeof m === "string" ? m : m.id;
      out.push({ id: `${provider}/${id}`, name: typeof m === "string" ? m : m.name ?? m.id, provider });
    }
  }
  return out;
}

export function infoMethods(gw: Gateway) {
  return [
    method("logs.tail", z.strictObject({ cursor: z.number().int().min(0).optional(), limit: z.number().int().min(1).max(5000).optional(), maxBytes: z.number().int().min(1).optional() }),
      (p) => gw.options.logs.tail({ cursor: p.cursor, limit: p.limit ?? DEFAULT_LOG_LIMIT, maxBytes: p.maxBytes ?? DEFAULT_LOG_BYTES }),
    ),

    method("models.list", z.strictObject({ agentId: z.string().optional(), view: z.string().optional() }), () => ({ models: configuredModels(gw) })),

    method("channels.status", z.strictObject({ probe: z.boolean().optional(), timeoutMs: z.number().int().optional(), channel: z.string().optional() }),
      () => ({
        ts: gw.now(),
        channelOrder: [],
        channelLabels: {},
        channelMeta: {},
        channels: {},
        channelAccounts: {},
        channelDefaultAccountId: {},
        statusIssues: [],
      }),
    ),

    method("gateway.identity.get", noParams, () => ({ ...gw.options.identity })),
  ];
}
