/**
 * Page routes under the gateway's Control UI base path, named as upstream's
 * (docs/web/urls.md): `/chat/<agentId>` is the agent's main session and
 * `/chat/<agentId>/<a>/<b>` the session `agent:<agentId>:<a>:<b>`; `/nodes`,
 * `/logs`, ... the other panes. Driven by the History API.
 */

/** The base path the gateway wrote into `<html>` (core/http/control-ui.ts). */
export const BASE_PATH = document.documentElement.getAttribute("data-openclaw-control-ui-base-path") ?? "";

export const PANES = ["chat", "pairing", "devices", "nodes", "channels", "cron", "status", "logs", "config"] as const;
export type Pane = (typeof PANES)[number];

export interface Route {
  pane: Pane;
  /** `/chat/<agentId>`'s agent. */
  agentId?: string;
  /** The session key's part after `agent:<agentId>:` when it is not the main session. */
  session?: string;
}

export function parseRoute(pathname = location.pathname): Route {
  const rest = pathname.startsWith(BASE_PATH) ? pathname.slice(BASE_PATH.length) : pathname;
  const [first, agentId, ...session] = rest.split("/").filter(Boolean).map(decodeURIComponent);
  const pane = (PANES as readonly string[]).includes(first ?? "") ? (first as Pane) : "chat";
  if (pane !== "chat" || !agentId) return { pane };
  return session.length > 0 && session.join(":") !== "main" ? { pane, agentId, session: session.join(":") } : { pane, agentId };
}

export function hrefOf(route: Route): string {
  const parts: string[] = [route.pane];
  if (route.agentId) parts.push(route.agentId, ...(route.session ? route.session.split(":") : []));
  return `${BASE_PATH}/${parts.map(encodeURIComponent).join("/")}`;
}

/** The session key a chat route names. */
export function sessionKeyOf(agentId: string, session: string | undefined): string {
  return `agent:${agentId}:${session ?? "main"}`;
}

/** The chat route of a session key of `agentId` (another agent's key keeps its own agent). */
export function chatRouteOf(key: string): Route {
  const [, agentId, ...rest] = key.split(":");
  const session = rest.join(":");
  return { pane: "chat", agentId, ...(session && session !== "main" ? { session } : {}) };
}
