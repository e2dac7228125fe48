/**
 * The `hello-ok` payload (spec §2.4). Clients read only a few fields, but the
 * whole shape is sent so that nothing downstream can tell clawgate apart.
 * Runtime-agnostic.
 */
import { rosterOwnership } from "../config/agents.ts";
import { defaultAgentId } from "../sessions/keys.ts";
import { ATTACHMENT_LIMITS, MAX_BUFFERED_BYTES, MAX_PAYLOAD_BYTES } from "../protocol/limits.ts";
import { OPENCLAW_COMPAT_VERSION, PROTOCOL_VERSION } from "../protocol/version.ts";
import type { Caller } from "../rpc/router.ts";
import type { GatewayServices } from "../rpc/services.ts";
import { effectiveScopes } from "../scopes/scopes.ts";
import type { Admission } from "./connect.ts";

/** What hello-ok reports on. */
export type HelloSources = Pick<
  GatewayServices,
  "config" | "auth" | "now" | "bootId" | "buildId" | "startedAt" | "tickIntervalMs" | "host" | "features" | "presence" | "health"
>;

/** Who an admitted connection is, as every request's handler sees it (§5). */
export function callerOf(connId: string, admission: Admission): Caller {
  return {
    connId,
    role: admission.role,
    scopes: admission.scopes,
    effective: effectiveScopes(admission.scopes),
    clientId: admission.params.client.id,
    clientMode: admission.params.client.mode,
    authMethod: admission.method,
    deviceId: admission.device?.deviceId,
    displayName: admission.params.client.displayName,
  };
}

/** The hello-ok payload for `caller`. */
export function buildHello(src: HelloSources, caller: Caller, admission: Admission): Record<string, unknown> {
  const isAdmin = caller.effective.has("operator.admin");
  const config = src.config();
  const agentId = defaultAgentId(config);
  const auth: Record<string, unknown> = { method: admission.method, role: admission.role, scopes: admission.scopes };
  const issued = admission.device?.issued;
  if (issued) {
    auth.deviceToken = issued.token;
    auth.issuedAtMs = issued.issuedAtMs;
    auth.recoveryMigrationAllowed = true;
  }
  return {
    type: "hello-ok",
    protocol: PROTOCOL_VERSION,
    // "configured": clawgate bundles no upstream UI build, so an upstream Control UI is always another build and must not
    // ask for a reload because its buildId differs from clawgate's.
    server: { version: OPENCLAW_COMPAT_VERSION, buildId: src.buildId, bootId: src.bootId, controlUiBuildSource: "configured", connId: caller.connId },
    features: src.features(),
    snapshot: {
      suspension: { phase: "accepting" },
      presence: src.presence.list(src.now()),
      health: src.health.get(),
      stateVersion: { presence: src.presence.version, health: src.health.version },
      uptimeMs: src.now() - src.startedAt,
      sessionDefaults: {
        defaultAgentId: agentId,
        // Every agent has a working model: its configured one, or the embedded agent. A false here sends the
        // upstream Control UI to its Model Setup page instead of the chat.
        modelConfigured: true,
        ownership: rosterOwnership(config),
        selectionRequired: false,
        mainKey: "main",
        mainSessionKey: `agent:${agentId}:main`,
        scope: "per-sender",
      },
      ...(isAdmin ? { configPath: src.host.configPath, stateDir: src.host.stateDir, authMode: src.auth().mode } : {}),
    },
    auth,
    policy: {
      maxPayload: MAX_PAYLOAD_BYTES,
      maxBufferedBytes: MAX_BUFFERED_BYTES,
      tickIntervalMs: src.tickIntervalMs,
      attachments: ATTACHMENT_LIMITS,
      allowedSessionVisibilities: ["shared", "read-only", "suggest", "draft"],
      hasMultipleSessionSharingIdentities: false,
    },
  };
}
