/**
 * The `connect` request's params: a closed object, as upstream validates it
 * (spec §2.2). Runtime-agnostic.
 */
import { z } from "zod";

export const CLIENT_IDS = [
  "webchat-ui", "openclaw-control-ui", "openclaw-browser-copilot", "openclaw-tui", "webchat", "cli",
  "gateway-client", "openclaw-macos", "openclaw-linux", "openclaw-ios", "openclaw-watchos",
  "openclaw-android", "node-host", "openclaw-worker", "test", "fingerprint", "openclaw-probe",
] as const;

export const CLIENT_MODES = ["webchat", "cli", "ui", "backend", "node", "worker", "probe", "test"] as const;

const str = z.string();
const int = z.number().int();

export const connectParamsSchema = z.strictObject({
  minProtocol: int.min(1),
  maxProtocol: int.min(1),
  client: z.strictObject({
    id: z.enum(CLIENT_IDS),
    displayName: str.optional(),
    version: str,
    platform: str,
    deviceFamily: str.optional(),
    modelIdentifier: str.optional(),
    mode: z.enum(CLIENT_MODES),
    instanceId: str.optional(),
    buildId: str.max(96).optional(),
    timeZone: str.max(64).optional(),
  }),
  // Any string is accepted here; an unknown role is refused later with "invalid role" (§2.2).
  role: str.optional(),
  scopes: z.array(str).optional(),
  caps: z.array(str).optional(),
  commands: z.array(str).optional(),
  permissions: z.record(str, z.boolean()).optional(),
  pathEnv: str.optional(),
  computerUse: z.unknown().optional(),
  workerRuns: z.unknown().optional(),
  auth: z.strictObject({
    token: str.optional(),
    password: str.optional(),
    deviceToken: str.optional(),
    bootstrapToken: str.optional(),
    approvalRuntimeToken: str.optional(),
    agentRuntimeIdentityToken: str.optional(),
  }).optional(),
  device: z.strictObject({
    id: str,
    publicKey: str,
    signature: str,
    signedAt: int,
    nonce: str,
  }).optional(),
  locale: str.optional(),
  userAgent: str.optional(),
});

export type ConnectParams = z.output<typeof connectParamsSchema>;
