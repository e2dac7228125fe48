/**
 * Test harness: a loopback static server for a compiled single-page app (the
 * upstream Control UI in `openclaw/dist/control-ui`), on a port of its own so
 * the page's origin differs from the gateway's. Relative asset URLs resolve
 * under deep routes (`/chat/main/assets/x.js` -> `/assets/x.js`) and any other
 * path falls back to `index.html`, as upstream's own UI server does.
 */
import { existsSync, statSync } from "node:fs";
import { join, normalize } from "node:path";

export interface StaticSite {
  origin: string;
  port: number;
  stop(): void;
}

function fileUnder(root: string, path: string): string | undefined {
  const full = normalize(join(root, path));
  if (!full.startsWith(root)) return undefined;
  return existsSync(full) && statSync(full).isFile() ? full : undefined;
}

/** Serves `root` on 127.0.0.1:0 (or `hostname`) with the SPA fallback. */
export function serveStaticSite(root: string, hostname = "127.0.0.1"): StaticSite {
  const base = normalize(root);
  const server = Bun.serve({
    hostname,
    port: 0,
    fetch(req) {
      const segments = decodeURIComponent(new URL(req.url).pathname).split("/").filter(Boolean);
      // A deep route's relative asset: drop leading route segments until a file matches.
      for (let i = 0; i < segments.length; i++) {
        const file = fileUnder(base, segments.slice(i).join("/"));
        if (file) return new Response(Bun.file(file));
      }
      const last = segments.at(-1) ?? "";
      if (last.includes(".") && !last.endsWith(".html")) return new Response("not found", { status: 404 });
      return new Response(Bun.file(join(base, "index.html")), { headers: { "content-type": "text/html; charset=utf-8" } });
    },
  });
  const origin = `http://${hostname}:${server.port}`;
  return { origin, port: server.port!, stop: () => void server.stop(true) };
}
