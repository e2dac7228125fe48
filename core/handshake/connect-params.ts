/**
 * The `connect` request's params: a closed object, as upstream validates it
 * (spec §2.2). Runtime-agnostic.
 */
import { z } from "../zod.ts";

export const CLIENT_IDS = [
  "webchat-ui", "openclaw-control-ui", "openclaw-browser-copilot", "openclaw-tui", "webchat", "cli",
  "gateway-client", "openclaw-macos", "openclaw-linux", "openclaw-ios", "openclaw-watchos",
  "openclaw-android", "node-host", "openclaw-worker", "test", "fingerprint", "openclaw-probe",
] as const;

export const CLIENT_MODES = ["webchat", "cli", "ui", "backend", "node", "worker", "probe", "test"] as const;

const str = z.string();
const int = z.int();

export const connectParamsSchema = z.strictObject({
  minProtocol: int.check(z.gte(1)),
  maxProtocol: int.check(z.gte(1)),
  client: z.strictObject({
    id: z.enum(CLIENT_IDS),
    displayName: z.optional(str),
    version: str,
    platform: str,
    deviceFamily: z.optional(str),
    modelIdentifier: z.optional(str),
    mode: z.enum(CLIENT_MODES),
    instanceId: z.optional(str),
    buildId: z.optional(str.check(z.maxLength(96))),
    timeZone: z.optional(str.check(z.maxLength(64))),
  }),
  // Any string is accepted here; an unknown role is refused later with "invalid role" (§2.2).
  role: z.optional(str),
  scopes: z.optional(z.array(str)),
  caps: z.optional(z.array(str)),
  commands: z.optional(z.array(str)),
  permissions: z.optional(z.record(str, z.boolean())),
  pathEnv: z.optional(str),
  computerUse: z.optional(z.unknown()),
  workerRuns: z.optional(z.unknown()),
  auth: z.optional(z.strictObject({
    token: z.optional(str),
    password: z.optional(str),
    deviceToken: z.optional(str),
    bootstrapToken: z.optional(str),
    approvalRuntimeToken: z.optional(str),
    agentRuntimeIdentityToken: z.optional(str),
  })),
  device: z.optional(z.strictObject({
    id: str,
    publicKey: str,
    signature: str,
    signedAt: int,
    nonce: str,
  })),
  locale: z.optional(str),
  userAgent: z.optional(str),
});

export type ConnectParams = z.output<typeof connectParamsSchema>;
