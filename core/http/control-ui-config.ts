/**
 * The Control UI's bootstrap document, `<basePath>/control-ui-config.json`
 * (and upstream's legacy `/__openclaw/control-ui-config.json` at the root):
 * what upstream's compiled UI fetches first, with the gateway's Bearer
 * secret, to learn its base path, assistant identity and feature flags.
 * Served in upstream's shape with what clawgate has (no terminal, no plugin
 * frames). Runtime-agnostic.
 */
import { attemptKey } from "../auth/rate-limit.ts";
import { assistantIdentity } from "../config/agents.ts";
import type { OpenClawConfig } from "../config/schema.ts";
import { OPENCLAW_COMPAT_VERSION } from "../protocol/version.ts";
import type { Gateway } from "../gateway.ts";
import type { PeerInfo } from "../runtime.ts";
import { defaultAgentId } from "../sessions/keys.ts";
import { bearerToken, checkGatewayBearer } from "./credentials.ts";

/** Whether `pathname` is the bootstrap document under `basePath`. */
export function isBootstrapPath(pathname: string, basePath: string): boolean {
  return pathname === `${basePath}/control-ui-config.json` || pathname === `${basePath}/__openclaw/control-ui-config.json`;
}

/** The document's body for an authorized caller (upstream's control-ui HTTP handler fields). */
export function bootstrapConfig(config: OpenClawConfig, basePath: string, authRequired: boolean): Record<string, unknown> {
  const agentId = defaultAgentId(config);
  const identity = assistantIdentity(config, agentId);
  const ui = config.gateway?.controlUi as Record<string, unknown> | undefined;
  const embedSandbox = ui?.embedSandbox === "trusted" || ui?.embedSandbox === "strict" ? ui.embedSandbox : "scripts";
  return {
    basePath,
    assistantName: identity.name,
    assistantAvatar: identity.avatar,
    assistantAvatarSource: null,
    assistantAvatarStatus: "none",
    assistantAvatarReason: null,
    assistantAgentId: identity.agentId,
    serverVersion: OPENCLAW_COMPAT_VERSION,
    embedSandbox,
    allowExternalEmbedUrls: ui?.allowExternalEmbedUrls === true,
    automaticallyFetchFavicons: ui?.automaticallyFetchFavicons !== false,
    communityInvite: ui?.communityInvite !== false,
    terminalEnabled: false,
    cliAgentsEnabled: false,
    pluginAssetsRequireAuth: authRequired,
    pluginFrameGrants: [],
  };
}

/**
 * Who may read it, as upstream: the gateway's shared secret, or the operator
 * device token a signed-in page holds (upstream's UI re-fetches with that one
 * once connected). A device token is looked up first, so a page that holds
 * one never counts as a failed secret; anything else goes through the shared
 * check and the one auth limiter. Undefined admits.
 */
export function authorizeUiRead(gw: Pick<Gateway, "limiter" | "auth" | "devices">, peer: PeerInfo, header: string | null): Promise<Response | undefined> {
  const token = bearerToken(header);
  if (token && gw.auth.mode !== "none" && gw.limiter.check(attemptKey(peer), "device-token").allowed && gw.devices.holderOfToken(token, "operator") !== undefined) {
    return Promise.resolve(undefined);
  }
  return checkGatewayBearer(gw.limiter, gw.auth, peer, header);
}
