/**
 * Config over RPC (spec §6): `config.get` (secrets redacted), `config.set`,
 * `config.patch` (merge patch + `replacePaths`), `config.apply`,
 * `config.schema`, `config.schema.lookup`, with the `baseHash` conflict guard,
 * upstream's messages and its 30 writes / 60 s control-plane budget.
 * Runtime-agnostic.
 */
import { z } from "../../zod.ts";
import { formatConfigIssues, parseConfigText, serializeConfig, snapshotFromObject, type ConfigSnapshot } from "../../config/document.ts";
import { configJsonSchema, lookupSchema, UI_HINTS } from "../../config/json-schema.ts";
import { applyMergePatch } from "../../config/merge-patch.ts";
import { changedPaths, isPlainObject } from "../../config/object-path.ts";
import { hasSecrets, redactConfig, restoreRedacted } from "../../config/redact.ts";
import { CONFIG_CONFLICT_MESSAGE, type ConfigService } from "../../config/service.ts";
import { GatewayError, invalidRequest, unavailable } from "../../protocol/errors.ts";
import { OPENCLAW_COMPAT_VERSION } from "../../protocol/version.ts";
import { method, noParams, type Caller } from "../router.ts";
import type { GatewayServices } from "../services.ts";

const WRITE_LIMIT = 30;
const WRITE_WINDOW_MS = 60_000;

const writeParams = {
  raw: z.string(),
  baseHash: z.optional(z.string()),
  sessionKey: z.optional(z.string()),
  note: z.optional(z.string()),
  restartDelayMs: z.optional(z.int().check(z.gte(0))),
};

/** Leaf paths a patch touches, for upstream's "base hash required for …" text. */
function patchPaths(patch: unknown, prefix = ""): string[] {
  if (!isPlainObject(patch)) return prefix ? [prefix] : [];
  return Object.entries(patch).flatMap(([k, v]) => (isPlainObject(v) ? patchPaths(v, prefix ? `${prefix}.${k}` : k) : [prefix ? `${prefix}.${k}` : k]));
}

/** The raw text readers see: the file itself, or a re-serialization when secrets had to be hidden. */
function redactedRaw(snapshot: ConfigSnapshot): string | null {
  if (snapshot.raw === null || !snapshot.parsed || !hasSecrets(snapshot.parsed)) return snapshot.raw;
  return serializeConfig(redactConfig(snapshot.parsed));
}

/** What the group uses. */
export type ConfigMethodsContext = Pick<GatewayServices, "configService" | "now" | "startedAt">;

export function configMethods(ctx: ConfigMethodsContext) {
  const writes = new Map<string, number[]>();

  const service = (): ConfigService => {
    const s = ctx.configService;
    if (!s) throw unavailable("config is not file-backed in this gateway");
    return s;
  };

  /** 30 writes per 60 s per method and actor (§6). */
  const consumeBudget = (name: string, caller: Caller) => {
    const key = `${name}:${caller.deviceId ?? caller.connId}`;
    const now = ctx.now();
    const recent = (writes.get(key) ?? []).filter((t) => now - t < WRITE_WINDOW_MS);
    if (recent.length >= WRITE_LIMIT) {
      const retryAfterMs = WRITE_WINDOW_MS - (now - recent[0]!);
      throw new GatewayError({
        code: "UNAVAILABLE",
        message: `rate limit exceeded for ${name}; retry after ${Math.ceil(retryAfterMs / 1000)}s`,
        retryable: true,
        retryAfterMs,
        details: { method: name, limit: `${WRITE_LIMIT} per ${WRITE_WINDOW_MS / 1000}s` },
      });
    }
    recent.push(now);
    writes.set(key, recent);
  };

  /** The baseHash guard: required once a file exists, and must match it (§6). */
  const checkBase = async (s: ConfigService, current: ConfigSnapshot, baseHash: string | undefined, missing: string) => {
    if (!current.exists) return;
    if (!baseHash) throw invalidRequest(missing);
    if (baseHash !== (await s.hashRaw(current.raw))) throw invalidRequest(CONFIG_CONFLICT_MESSAGE);
  };

  /** Validates, restores redacted secrets, writes; returns the new snapshot. */
  const commit = (s: ConfigService, current: ConfigSnapshot, candidate: Record<string, unknown>): ConfigSnapshot => {
    let restored: Record<string, unknown>;
    try {
      restored = restoreRedacted(candidate, current.parsed ?? {}) as Record<string, unknown>;
    } catch (error) {
      throw invalidRequest(`invalid config: ${(error as Error).message}`);
    }
    const text = serializeConfig(restored);
    const next = snapshotFromObject(s.path, text, restored, s.options.envFor(restored));
    if (!next.valid) throw invalidRequest(`invalid config: ${formatConfigIssues(next.issues)}`, { issues: next.issues });
    // The storage re-checks `current.raw` right before replacing the file: an edit landing meanwhile is never overwritten.
    const written = s.write(text, current.raw);
    if (!written.ok) throw invalidRequest(written.message, written.rejectedPath ? { rejectedPath: written.rejectedPath } : undefined);
    return next;
  };

  const written = async (s: ConfigService, next: ConfigSnapshot) => ({ ok: true, path: s.path, hash: await s.hashRaw(next.raw), config: redactConfig(next.parsed) });

  /** Applies the written file now and reports it as upstream's restart sentinel does. */
  const applyNow = (s: ConfigService, next: ConfigSnapshot, kind: "config-patch" | "config-apply", note: string | undefined) => {
    const outcome = s.apply(next);
    if (outcome.status === "invalid") throw unavailable(`config written but not applied: ${outcome.problem}`);
    return {
      persisted: true,
      payload: {
        kind,
        status: "ok",
        ts: ctx.now(),
        message: note ?? null,
        stats: { mode: kind.replace("-", "."), root: s.path, requiresRestart: outcome.status === "restart" || outcome.status === "deferred" },
      },
    };
  };

  return [
    method("config.get", noParams, async () => {
      const s = service();
      const file = s.read();
      const applied = s.applied();
      const parsed = redactConfig(file.parsed ?? {});
      const runtime = redactConfig(applied.resolved ?? {});
      return {
        path: s.path,
        includedPaths: [],
        includeProvenance: [],
        exists: file.exists,
        raw: redactedRaw(file),
        parsed,
        sourceConfig: parsed,
        resolved: redactConfig(file.resolved ?? {}),
        valid: file.valid,
        runtimeConfig: runtime,
        config: runtime,
        hash: await s.hashRaw(file.raw),
        issues: file.issues,
        warnings: file.warnings,
        legacyIssues: [],
        configRevisionHash: await s.hashResolved(file.resolved ?? {}),
        appliedConfigHash: await s.hashResolved(applied.resolved ?? {}),
      };
    }),

    method("config.set", z.lazy(() => z.strictObject({ raw: z.string(), baseHash: z.optional(z.string()) })), async (p) => {
      const s = service();
      const current = s.read();
      await checkBase(s, current, p.baseHash, "config base hash required; re-run config.get and retry");
      const parsed = parseConfigText(p.raw);
      if (!parsed.ok) throw invalidRequest(parsed.message);
      const next = commit(s, current, parsed.value);
      // config.set acknowledges persistence; the reload follows on its own (§6).
      queueMicrotask(() => s.apply(next));
      return written(s, next);
    }),

    method("config.patch", z.lazy(() => z.strictObject({ ...writeParams, replacePaths: z.optional(z.array(z.string())) })), async (p, caller) => {
      consumeBudget("config.patch", caller);
      const s = service();
      const current = s.read();
      const patch = parseConfigText(p.raw);
      if (!patch.ok) throw invalidRequest(patch.message === "config must be a JSON5 object" ? "config.patch raw must be an object" : patch.message);
      await checkBase(s, current, p.baseHash, `config base hash required for ${patchPaths(patch.value).join(", ")}; re-run config.get and retry with baseHash`);
      if (!current.valid) throw invalidRequest(`current config is invalid; fix it or use config.apply: ${formatConfigIssues(current.issues)}`);
      const merged = applyMergePatch(current.parsed ?? {}, patch.value, p.replacePaths);
      if (!merged.ok) throw invalidRequest(merged.message);
      const next = commit(s, current, merged.value);
      return { ...(await written(s, next)), changedPaths: changedPaths(current.resolved ?? {}, next.resolved ?? {}), sentinel: applyNow(s, next, "config-patch", p.note) };
    }),

    method("config.apply", z.lazy(() => z.strictObject(writeParams)), async (p, caller) => {
      consumeBudget("config.apply", caller);
      const s = service();
      const current = s.read();
      await checkBase(s, current, p.baseHash, "config base hash required; re-run config.get and retry");
      const parsed = parseConfigText(p.raw);
      if (!parsed.ok) throw invalidRequest(parsed.message);
      const next = commit(s, current, parsed.value);
      const { config: _c, ...rest } = await written(s, next);
      return { ...rest, sentinel: applyNow(s, next, "config-apply", p.note) };
    }),

    method("config.schema", noParams, () => ({ schema: configJsonSchema(), uiHints: UI_HINTS, version: OPENCLAW_COMPAT_VERSION, generatedAt: new Date(ctx.startedAt).toISOString() })),

    method("config.schema.lookup", z.lazy(() => z.strictObject({ path: z.string().check(z.minLength(1)) })), (p) => {
      const found = lookupSchema(p.path);
      if (!found) throw invalidRequest("config schema path not found");
      return found;
    }),
  ];
}
