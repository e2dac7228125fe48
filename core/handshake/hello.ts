/**
 * The `hello-ok` payload (spec §2.4). Clients read only a few fields, but the
 * whole shape is sent so that nothing downstream can tell clawgate apart.
 * Runtime-agnostic.
 */
import type { Client } from "../client.ts";
import type { Gateway } from "../gateway.ts";
import { modelConfigured, rosterOwnership } from "../config/agents.ts";
import { defaultAgentId } from "../sessions/keys.ts";
import { ATTACHMENT_LIMITS, MAX_BUFFERED_BYTES, MAX_PAYLOAD_BYTES } from "../protocol/limits.ts";
import { OPENCLAW_COMPAT_VERSION, PROTOCOL_VERSION } from "../protocol/version.ts";
import type { Admission } from "./connect.ts";

export function buildHello(gw: Gateway, client: Client, admission: Admission): Record<string, unknown> {
  const isAdmin = client.caller!.effective.has("operator.admin");
  const agentId = defaultAgentId(gw.config);
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
    server: { version: OPENCLAW_COMPAT_VERSION, buildId: gw.options.buildId, bootId: gw.bootId, connId: client.connId },
    features: { ...gw.features(), capabilities: [] },
    snapshot: {
      suspension: { phase: "accepting" },
      presence: gw.presence.list(gw.now()),
      health: gw.health.get(),
      stateVersion: { presence: gw.presence.version, health: gw.health.version },
      uptimeMs: gw.now() - gw.startedAt,
      sessionDefaults: {
        defaultAgentId: agentId,
        modelConfigured: modelConfigured(gw.config, agentId),
        ownership: rosterOwnership(gw.config),
        selectionRequired: false,
        mainKey: "main",
        mainSessionKey: `agent:${agentId}:main`,
        scope: "per-sender",
      },
      ...(isAdmin ? { configPath: gw.options.host.configPath, stateDir: gw.options.host.stateDir, authMode: gw.auth.mode } : {}),
    },
    auth,
    policy: {
      maxPayload: MAX_PAYLOAD_BYTES,
      maxBufferedBytes: MAX_BUFFERED_BYTES,
      tickIntervalMs: gw.tickIntervalMs,
      attachments: ATTACHMENT_LIMITS,
      allowedSessionVisibilities: ["shared", "read-only", "suggest", "draft"],
      hasMultipleSessionSharingIdentities: false,
    },
  };
}
