/**
 * The parts of `openclaw.json` clawgate reads, as zod schemas (spec §11).
 * Objects are loose: keys clawgate does not know are kept, so a real OpenClaw
 * config loads unchanged and survives a write. Runtime-agnostic.
 */
import { z } from "zod";
import { AUTH_MODES } from "../auth/secrets.ts";

const port = z.number().int().min(1).max(65535);

/** In upstream's order, which its validation messages list (§12 `config set`). */
export const BIND_MODES = ["auto", "lan", "loopback", "custom", "tailnet"] as const;

/** `gateway.reload.mode`; the retired `hot` and `restart` load as `hybrid` (§11). */
export const RELOAD_MODES = ["hybrid", "off", "hot", "restart"] as const;

export const LOG_LEVELS = ["silent", "fatal", "error", "warn", "info", "debug", "trace"] as const;

export const gatewaySchema = z.looseObject({
  mode: z.enum(["local", "remote"]).optional(),
  port: port.optional(),
  bind: z.enum(BIND_MODES).optional(),
  customBindHost: z.string().optional(),
  auth: z.looseObject({
    mode: z.enum(AUTH_MODES).optional(),
    token: z.string().optional(),
    password: z.string().optional(),
    trustedProxy: z.looseObject({ userHeader: z.string() }).optional(),
    rateLimit: z.looseObject({
      maxAttempts: z.number().int().min(1).optional(),
      windowMs: z.number().int().min(1).optional(),
      lockoutMs: z.number().int().min(0).optional(),
      exemptLoopback: z.boolean().optional(),
    }).optional(),
  }).optional(),
  remote: z.looseObject({ url: z.string().optional(), token: z.string().optional(), password: z.string().optional(), tlsFingerprint: z.string().optional() }).optional(),
  controlUi: z.looseObject({ allowedOrigins: z.array(z.string()).optional() }).optional(),
  reload: z.looseObject({ mode: z.enum(RELOAD_MODES).optional() }).optional(),
  trustedProxies: z.array(z.string()).optional(),
  http: z.looseObject({
    endpoints: z.looseObject({
      chatCompletions: z.looseObject({ enabled: z.boolean().optional() }).optional(),
    }).optional(),
  }).optional(),
  nodes: z.looseObject({
    pairing: z.looseObject({ autoApproveLocal: z.boolean().optional() }).optional(),
    commands: z.looseObject({ allow: z.array(z.string()).optional(), deny: z.array(z.string()).optional() }).optional(),
  }).optional(),
});

/** Request shaping for stricter OpenAI-compatible backends (`compat.*`). */
const compatSchema = z.looseObject({
  requiresStringContent: z.boolean().optional(),
  supportsTools: z.boolean().optional(),
  supportsUsageInStreaming: z.boolean().optional(),
});

/** `models.providers.<id>`: an OpenAI-compatible endpoint and the models it serves. */
export const providerSchema = z.looseObject({
  baseUrl: z.string().optional(),
  /** A literal key or `${ENV_VAR}`. */
  apiKey: z.string().optional(),
  api: z.string().optional(),
  headers: z.record(z.string(), z.string()).optional(),
  timeoutSeconds: z.number().positive().optional(),
  compat: compatSchema.optional(),
  models: z.array(z.union([z.string(), z.looseObject({ id: z.string(), name: z.string().optional(), compat: compatSchema.optional() })])).optional(),
});

/** A model choice: `"provider/model"` or `{ primary, fallbacks }`. */
const modelChoiceSchema = z.union([z.string(), z.looseObject({ primary: z.string().optional(), fallbacks: z.array(z.string()).optional() })]);

const heartbeatSchema = z.looseObject({
  /** Duration such as "30m"; "0m" turns the recurring cadence off. */
  every: z.string().optional(),
  prompt: z.string().optional(),
  model: z.string().optional(),
});

export const configSchema = z.looseObject({
  $schema: z.string().optional(),
  gateway: gatewaySchema.optional(),
  models: z.looseObject({
    providers: z.record(z.string(), providerSchema).optional(),
  }).optional(),
  agents: z.looseObject({
    defaults: z.looseObject({
      model: modelChoiceSchema.optional(),
      timeoutSeconds: z.number().positive().optional(),
      heartbeat: heartbeatSchema.optional(),
    }).optional(),
    list: z.array(z.looseObject({ id: z.string(), default: z.boolean().optional(), name: z.string().optional(), model: modelChoiceSchema.optional() })).optional(),
  }).optional(),
  cron: z.looseObject({ enabled: z.boolean().optional(), skipMissedJobs: z.boolean().optional() }).optional(),
  discovery: z.looseObject({
    mdns: z.looseObject({ mode: z.enum(["off", "minimal", "full"]).optional() }).optional(),
    wideArea: z.looseObject({ domain: z.string().optional() }).optional(),
  }).optional(),
  /** Sender (DM) pairing codes: lifetime in seconds and live codes per channel (core/pairing). */
  pairing: z.looseObject({ codeExpiry: z.number().int().min(1).optional(), maxPending: z.number().int().min(1).optional() }).optional(),
  logging: z.looseObject({
    level: z.enum(LOG_LEVELS).optional(),
    file: z.string().optional(),
    maxFileBytes: z.number().int().positive().optional(),
  }).optional(),
  /** Inline env vars, applied only where the environment lacks the key (§11). */
  env: z.looseObject({ vars: z.record(z.string(), z.string()).optional() }).optional(),
  /** Written by upstream's writers; read only to keep it. */
  meta: z.record(z.string(), z.unknown()).optional(),
});

export type OpenClawConfig = z.output<typeof configSchema>;
