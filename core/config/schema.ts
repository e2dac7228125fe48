/**
 * The parts of `openclaw.json` clawgate reads, as zod schemas (spec §11).
 * Objects are loose: keys clawgate does not know are kept, so a real OpenClaw
 * config loads unchanged and survives a write. Runtime-agnostic.
 */
import { z } from "zod";
import { AUTH_MODES } from "../auth/secrets.ts";

const port = z.number().int().min(1).max(65535);

export const BIND_MODES = ["loopback", "lan", "tailnet", "auto", "custom"] as const;

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
  remote: z.looseObject({ url: z.string().optional(), token: z.string().optional(), password: z.string().optional() }).optional(),
  controlUi: z.looseObject({ allowedOrigins: z.array(z.string()).optional() }).optional(),
  trustedProxies: z.array(z.string()).optional(),
  nodes: z.looseObject({
    pairing: z.looseObject({ autoApproveLocal: z.boolean().optional() }).optional(),
    commands: z.looseObject({ allow: z.array(z.string()).optional(), deny: z.array(z.string()).optional() }).optional(),
  }).optional(),
});

export const configSchema = z.looseObject({
  $schema: z.string().optional(),
  gateway: gatewaySchema.optional(),
  models: z.looseObject({
    providers: z.record(z.string(), z.looseObject({
      baseUrl: z.string().optional(),
      models: z.array(z.union([z.string(), z.looseObject({ id: z.string(), name: z.string().optional() })])).optional(),
    })).optional(),
  }).optional(),
  agents: z.looseObject({
    defaults: z.looseObject({ model: z.union([z.string(), z.looseObject({ primary: z.string().optional() })]).optional() }).optional(),
    list: z.array(z.looseObject({ id: z.string(), default: z.boolean().optional() })).optional(),
  }).optional(),
  discovery: z.looseObject({
    mdns: z.looseObject({ mode: z.enum(["off", "minimal", "full"]).optional() }).optional(),
    wideArea: z.looseObject({ domain: z.string().optional() }).optional(),
  }).optional(),
  /** Sender (DM) pairing codes: lifetime in seconds and live codes per channel (core/pairing). */
  pairing: z.looseObject({ codeExpiry: z.number().int().min(1).optional(), maxPending: z.number().int().min(1).optional() }).optional(),
  logging: z.looseObject({ level: z.enum(["silent", "fatal", "error", "warn", "info", "debug", "trace"]).optional(), file: z.string().optional() }).optional(),
});

export type OpenClawConfig = z.output<typeof configSchema>;
