/**
 * Page routes under the gateway's Control UI base path, named as upstream's
 * (`/chat/<agentId>`, `/nodes`, `/logs`, ...), driven by the History API.
 */

/** The base path the gateway wrote into `<html>` (core/http/control-ui.ts). */
export const BASE_PATH = document.documentElement.getAttribute("data-openclaw-control-ui-base-path") ?? "";

export const PANES = ["chat", "pairing", "devices", "nodes", "channels", "cron", "status", "logs", "config"] as const;
export type Pane = (typeof PANES)[number];

export interface Route {
  pane: Pane;
  /** `/chat/<agentId>`'s agent. */
  agentId?: string;
}

export function parseRoute(pathname = location.pathname): Route {
  const rest = pathname.startsWith(BASE_PATH) ? pathname.slice(BASE_PATH.length) : pathname;
  const [first, second] = rest.split("/").filter(Boolean);
  const pane = (PANES as readonly string[]).includes(first ?? "") ? (first as Pane) : "chat";
  return pane === "chat" && second ? { pane, agentId: decodeURIComponent(second) } : { pane };
}

export function hrefOf(route: Route): string {
  return `${BASE_PATH}/${route.pane}${route.agentId ? `/${encodeURIComponent(route.agentId)}` : ""}`;
}
