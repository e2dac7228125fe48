/**
 * The Control UI's pages on the gateway port, served as upstream serves them
 * (docs/web/control-ui.md): at `/` or under `gateway.controlUi.basePath`,
 * deep routes (`/chat/<agentId>`, ...) fall back to `index.html` for callers
 * that accept HTML, relative `assets/` paths resolve from any depth, hashed
 * built-in assets are immutable and the document `no-cache`, every response
 * carries upstream's CSP. The built-in UI comes from the shim (bundled into
 * the binary); `gateway.controlUi.root` serves another build from disk
 * through the shim's file reader. `gateway.controlUi.enabled` is read per
 * request, so it hot-applies. Runtime-agnostic.
 */
import type { OpenClawConfig } from "../config/schema.ts";
import { bootstrapConfig, isBootstrapPath } from "./control-ui-config.ts";

/** A UI build: file bodies keyed by path relative to its root (`index.html`, `assets/app-1a2b.js`). */
export type UiFiles = ReadonlyMap<string, string | Uint8Array>;

/** What a shim provides for serving pages. */
export interface ControlUiHost {
  /** The built-in UI, loaded on first use (idle gateways never load it). */
  builtIn(): Promise<UiFiles>;
  /**
   * The regular file `relPath` under the directory `root`, or undefined when
   * it is missing, not a regular file, or resolves (through links) outside
   * `root`. `relPath` has already passed `isSafeRelativePath`.
   */
  readFile(root: string, relPath: string): Promise<Uint8Array | undefined>;
}

const IMMUTABLE = "public, max-age=31536000, immutable";

/** Upstream's content types (control-ui-static). */
const CONTENT_TYPES: Record<string, string> = {
  html: "text/html; charset=utf-8",
  js: "application/javascript; charset=utf-8",
  mjs: "application/javascript; charset=utf-8",
  css: "text/css; charset=utf-8",
  json: "application/json; charset=utf-8",
  map: "application/json; charset=utf-8",
  svg: "image/svg+xml",
  png: "image/png",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  gif: "image/gif",
  webp: "image/webp",
  ico: "image/x-icon",
  txt: "text/plain; charset=utf-8",
  wasm: "application/wasm",
  webmanifest: "application/manifest+json; charset=utf-8",
  woff2: "font/woff2",
};

/** Paths the UI never claims when it sits at `/` (upstream's control-ui-routing). */
const RESERVED_PREFIXES = ["/api", "/v1", "/health", "/healthz", "/ready", "/readyz", "/hooks", "/tools", "/j"];

/** `"/openclaw/"` -> `"/openclaw"`, `"/"` or empty -> `""` (upstream's normalizeControlUiBasePath). */
export function normalizeBasePath(basePath: string | undefined): string {
  const value = basePath?.trim() ?? "";
  if (!value || value === "/") return "";
  const withSlash = value.startsWith("/") ? value : `/${value}`;
  return withSlash.endsWith("/") ? withSlash.slice(0, -1) : withSlash;
}

/** No empty, `.` or `..` segment, no backslash or NUL: the path stays under its root. */
export function isSafeRelativePath(rel: string): boolean {
  if (!rel || rel.includes("\\") || rel.includes("\0")) return false;
  return rel.split("/").every((s) => s !== "" && s !== "." && s !== "..");
}

/**
 * Whether a request may get the app shell instead of a 404: no `Accept`, a
 * wildcard, or `text/html`, unless `text/html;q=0` refuses it (upstream).
 */
export function acceptsHtml(accept: string | undefined): boolean {
  if (!accept?.trim()) return true;
  let html: number | undefined;
  let wildcard: number | undefined;
  for (const part of accept.split(",")) {
    const [type, ...params] = part.trim().toLowerCase().split(";");
    const q = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
    const weight = q ? Number(q.slice(2)) : 1;
    if (type === "text/html") html = weight;
    else if (type === "*/*" || type === "text/*") wildcard = Math.max(wildcard ?? 0, weight);
  }
  return html !== undefined ? html > 0 : (wildcard ?? 0) > 0;
}

/** Upstream's CSP for the Control UI document, with the hashes of its inline scripts. */
export function controlUiCsp(inlineScriptHashes: readonly string[] = []): string {
  return [
    "default-src 'self'",
    "base-uri 'none'",
    "object-src 'none'",
    "frame-ancestors 'none'",
    "frame-src 'self' http: https:",
    `script-src ${["'self'", ...inlineScriptHashes.map((h) => `'${h}'`)].join(" ")}`,
    "style-src 'self' 'unsafe-inline' https://fonts.googleapis.com",
    "img-src 'self' data: blob: https:",
    "media-src 'self' data: blob:",
    "font-src 'self' https://fonts.gstatic.com",
    "worker-src 'self'",
    "connect-src 'self' ws: wss: data: https://api.openai.com https://tweakcn.com",
  ].join("; ");
}

function extensionOf(rel: string): string {
  const name = rel.slice(rel.lastIndexOf("/") + 1);
  const dot = name.lastIndexOf(".");
  return dot > 0 ? name.slice(dot + 1).toLowerCase() : "";
}

/** What is worth gzip (upstream's compressible extensions). */
const COMPRESSIBLE = new Set(["css", "html", "js", "json", "svg", "txt", "wasm", "webmanifest"]);

function acceptsGzip(req: Request): boolean {
  return /\bgzip\b/.test(req.headers.get("accept-encoding") ?? "");
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

async function inlineScriptHashes(html: string): Promise<string[]> {
  const hashes: string[] = [];
  for (const m of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)) {
    if (/\bsrc\s*=/i.test(m[1]!) || !m[2]) continue;
    const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", encoder.encode(m[2])));
    hashes.push(`sha256-${btoa(String.fromCharCode(...digest))}`);
  }
  return hashes;
}

/** Relative asset links point under the base path, and `<html>` names it, as upstream rewrites the document. */
function prepareIndex(html: string, basePath: string): string {
  const escaped = basePath.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");
  return html
    .replaceAll('src="./assets/', `src="${basePath}/assets/`)
    .replaceAll('href="./assets/', `href="${basePath}/assets/`)
    .replace(/<html\b/i, `<html data-openclaw-control-ui-base-path="${escaped}"`);
}

function plain(status: number, text: string, extra: Record<string, string> = {}): Response {
  return new Response(text, { status, headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store", ...extra } });
}

function withUiHeaders(res: Response, csp = controlUiCsp()): Response {
  res.headers.set("X-Frame-Options", "DENY");
  res.headers.set("Content-Security-Policy", csp);
  return res;
}

/** Which UI requests there are: not ours, a redirect to the base path's slash, or a file to serve. */
type Route = { kind: "none" } | { kind: "redirect"; location: string } | { kind: "not-found" } | { kind: "serve"; uiPath: string; spaFallback: boolean };

function classify(basePath: string, url: URL, method: string, accept: string | undefined): Route {
  const { pathname } = url;
  if (method !== "GET" && method !== "HEAD") return { kind: "none" };
  const spaFallback = acceptsHtml(accept);
  if (!basePath) {
    if (pathname === "/ui" || pathname.startsWith("/ui/")) return { kind: "not-found" };
    if (RESERVED_PREFIXES.some((p) => pathname === p || pathname.startsWith(`${p}/`))) return { kind: "none" };
    return { kind: "serve", uiPath: pathname, spaFallback };
  }
  if (pathname === basePath) return { kind: "redirect", location: `${basePath}/${url.search}` };
  if (!pathname.startsWith(`${basePath}/`)) return { kind: "none" };
  return { kind: "serve", uiPath: pathname.slice(basePath.length), spaFallback };
}

/**
 * The file a UI path names: `.../assets/x` is `assets/x` at any depth (a deep
 * route's relative links), a trailing slash names its `index.html`.
 */
function requestedFile(uiPath: string): string {
  const assets = uiPath.indexOf("/assets/");
  const rel = assets >= 0 ? uiPath.slice(assets + 1) : uiPath.slice(1);
  return rel && !rel.endsWith("/") ? rel : `${rel}index.html`;
}

/** Checks the request's Bearer secret: undefined when it may read, else the refusal (401, 429) to send. */
export type ReadAuthorizer = (req: Request) => Promise<Response | undefined>;

/**
 * Serves the Control UI, or returns undefined when the request is not the
 * UI's (then the caller answers its 404).
 */
export function createControlUi(host: ControlUiHost, config: () => OpenClawConfig, authRequired: () => boolean): (req: Request, authorize: ReadAuthorizer) => Promise<Response | undefined> {
  let builtIn: Promise<UiFiles> | undefined;
  const gzipped = new Map<string, Uint8Array>();

  const read = async (root: string | undefined, rel: string): Promise<string | Uint8Array | undefined> => {
    if (root !== undefined) return host.readFile(root, rel);
    const files = await (builtIn ??= host.builtIn().catch((error: unknown) => {
      builtIn = undefined;
      throw error;
    }));
    return files.get(rel);
  };

  /** Built-in bodies are compressed once and kept (they never change while the process runs); the document per request. */
  const encode = async (req: Request, key: string | undefined, body: string | Uint8Array, headers: Record<string, string>): Promise<BodyInit> => {
    const bytes = typeof body === "string" ? encoder.encode(body) : body;
    if (bytes.length < 1024 || !acceptsGzip(req)) return bytes as Uint8Array<ArrayBuffer>;
    let packed = key ? gzipped.get(key) : undefined;
    if (!packed) {
      const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new CompressionStream("gzip"));
      packed = new Uint8Array(await new Response(stream).arrayBuffer());
      if (key) gzipped.set(key, packed);
    }
    headers["Content-Encoding"] = "gzip";
    headers["Vary"] = "Accept-Encoding";
    return packed as Uint8Array<ArrayBuffer>;
  };

  return async (req, authorize) => {
    const ui = config().gateway?.controlUi;
    if (ui?.enabled === false) return undefined;
    const basePath = normalizeBasePath(ui?.basePath);
    const url = new URL(req.url);
    const route = classify(basePath, url, req.method, req.headers.get("accept") ?? undefined);
    if (route.kind === "none") return undefined;
    if (route.kind === "not-found") return withUiHeaders(plain(404, "Not Found"));
    if (route.kind === "redirect") return withUiHeaders(new Response(null, { status: 302, headers: { Location: route.location } }));
    if (isBootstrapPath(url.pathname, basePath)) {
      const refused = await authorize(req);
      if (refused) return withUiHeaders(refused);
      const body = JSON.stringify(bootstrapConfig(config(), basePath, authRequired()));
      return withUiHeaders(new Response(req.method === "HEAD" ? null : body, { headers: { "Content-Type": CONTENT_TYPES.json!, "Cache-Control": "no-cache" } }));
    }

    const root = ui?.root?.trim() || undefined;
    let rel: string;
    try {
      rel = decodeURIComponent(requestedFile(route.uiPath));
    } catch {
      return withUiHeaders(plain(404, "Not Found"));
    }
    if (!isSafeRelativePath(rel)) return withUiHeaders(plain(404, "Not Found"));
    const ext = extensionOf(rel);
    const isIndex = rel === "index.html" || rel.endsWith("/index.html");
    const body = isIndex ? undefined : await read(root, rel);
    if (body !== undefined) {
      const headers: Record<string, string> = {
        "Content-Type": CONTENT_TYPES[ext] ?? "application/octet-stream",
        // Only the built-in build's names carry content hashes; another root's files may change in place.
        "Cache-Control": root === undefined && rel.startsWith("assets/") ? IMMUTABLE : "no-cache",
      };
      if (root === undefined) return withUiHeaders(new Response(await encode(req, rel, body, headers), { headers }));
      // Another root's files are sent as they are, or as the `.gz` beside them (upstream's builds ship those): never compressed per request.
      const packed = acceptsGzip(req) && COMPRESSIBLE.has(ext) ? await host.readFile(root, `${rel}.gz`) : undefined;
      if (packed) Object.assign(headers, { "Content-Encoding": "gzip", Vary: "Accept-Encoding" });
      return withUiHeaders(new Response((packed ?? body) as Uint8Array<ArrayBuffer>, { headers }));
    }
    if (!isIndex && ext && ext !== "html" && ext in CONTENT_TYPES) return withUiHeaders(plain(404, "Not Found"));
    // A caller that refuses HTML gets the gateway's own 404, as upstream falls through to its next handler.
    if (!isIndex && !route.spaFallback) return undefined;
    const index = await read(root, "index.html");
    if (index === undefined) {
      const message = root !== undefined
        ? `Control UI assets not found at ${root}. Build them with \`pnpm ui:build\` (auto-installs UI deps), or update gateway.controlUi.root.`
        : "Control UI assets not found.";
      return withUiHeaders(plain(503, message));
    }
    const html = prepareIndex(typeof index === "string" ? index : decoder.decode(index), basePath);
    const headers: Record<string, string> = { "Content-Type": CONTENT_TYPES.html!, "Cache-Control": "no-cache" };
    const csp = controlUiCsp(await inlineScriptHashes(html));
    return withUiHeaders(new Response(await encode(req, undefined, html, headers), { headers }), csp);
  };
}
