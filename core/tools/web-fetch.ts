/**
 * `web_fetch` (docs/tools/web-fetch.md): a plain HTTP GET of a URL the model
 * chose, HTML reduced to readable markdown or text. Bounded in time
 * (`timeoutSeconds`), size (`maxResponseBytes`, read as it streams) and
 * redirects (`maxRedirects`, each hop followed by hand and checked again);
 * private and internal targets are refused unless `ssrfPolicy` allows them
 * (core/tools/ssrf.ts), and a name is fetched from exactly the addresses that
 * check approved (DNS rebinding cannot move it). Runtime-agnostic (fetch and
 * streams are Web APIs; DNS and the pinned connection come from the shim).
 */
import { z } from "../zod.ts";
import { readableHtml } from "./readable.ts";
import type { RegisteredTool } from "./registry.ts";
import type { ToolServices } from "./services.ts";
import { checkTarget } from "./ssrf.ts";
import { jsonResult, ToolError, type ToolContext } from "./tool.ts";

/** Upstream's defaults and clamps (tools.web.fetch.*). */
const DEFAULT_MAX_CHARS = 20_000;
const DEFAULT_MAX_RESPONSE_BYTES = 750_000;
const MIN_RESPONSE_BYTES = 32_000;
const MAX_RESPONSE_BYTES = 10_000_000;
const DEFAULT_TIMEOUT_SECONDS = 30;
const DEFAULT_MAX_REDIRECTS = 3;
const DEFAULT_USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

const args = z.strictObject({
  url: z.string().check(z.minLength(1)),
  extractMode: z.optional(z.enum(["markdown", "text"])),
  maxChars: z.optional(z.int().check(z.gte(100))),
});
type Args = z.output<typeof args>;

/** The settings of one call, from `tools.web.fetch` with upstream's defaults and clamps. */
function settings(ctx: ToolContext, requested: number | undefined) {
  const cfg = ctx.config.tools?.web?.fetch;
  const cap = cfg?.maxCharsCap ?? DEFAULT_MAX_CHARS;
  return {
    maxChars: Math.min(requested ?? cfg?.maxChars ?? DEFAULT_MAX_CHARS, cap),
    maxBytes: Math.min(Math.max(cfg?.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES, MIN_RESPONSE_BYTES), MAX_RESPONSE_BYTES),
    timeoutMs: (cfg?.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS) * 1000,
    maxRedirects: cfg?.maxRedirects ?? DEFAULT_MAX_REDIRECTS,
    readability: cfg?.readability !== false,
    userAgent: cfg?.userAgent ?? DEFAULT_USER_AGENT,
    policy: cfg?.ssrfPolicy,
  };
}

type FetchServices = Pick<ToolServices, "resolveHost" | "pinnedFetch">;

export function webFetchTool(services: FetchServices & Pick<ToolServices, "now">): RegisteredTool {
  return {
    name: "web_fetch",
    description: "Fetch a URL with HTTP GET and extract its readable content as markdown or text. Does not run JavaScript. Private and internal addresses are blocked.",
    args,
    enabled: (config) => config.tools?.web?.fetch?.enabled !== false,
    async run(a: Args, ctx) {
      const started = services.now();
      const s = settings(ctx, a.maxChars);
      let url: URL;
      try {
        url = new URL(a.url);
      } catch {
        throw new ToolError(`Invalid URL: ${a.url}`, "input");
      }
      const timeout = new AbortController();
      const timer = setTimeout(() => timeout.abort(), s.timeoutMs);
      const signal = AbortSignal.any([ctx.signal, timeout.signal]);
      try {
        const { response, finalUrl } = await follow(url, s, signal, services);
        const body = await readBounded(response, s.maxBytes);
        const contentType = response.headers.get("content-type") ?? "";
        if (response.status >= 400) throw new ToolError(`Web fetch failed (${response.status}): ${body.text.replace(/\s+/g, " ").slice(0, 200)}`, "failed");
        const mode = a.extractMode ?? "markdown";
        const extracted = await extract(body.text, contentType, mode, s.readability);
        const payload = {
          url: a.url,
          finalUrl: finalUrl.href,
          status: response.status,
          extractMode: mode,
          extractor: extracted.extractor,
          ...(contentType ? { contentType: contentType.slice(0, 256) } : {}),
          ...(extracted.title ? { title: extracted.title.slice(0, 256) } : {}),
          ...(body.truncated ? { warning: `Response body truncated at ${s.maxBytes} bytes.` } : {}),
          truncated: body.truncated || extracted.text.length > s.maxChars,
          length: Math.min(extracted.text.length, s.maxChars),
          rawLength: extracted.text.length,
          fetchedAt: new Date(started).toISOString(),
          tookMs: services.now() - started,
          text: extracted.text.slice(0, s.maxChars),
        };
        return fit(payload, ctx.maxOutputChars);
      } catch (error) {
        if (timeout.signal.aborted && !ctx.signal.aborted) throw new ToolError(`Web fetch timed out after ${s.timeoutMs / 1000} s.`, "failed");
        if (error instanceof ToolError || ctx.signal.aborted) throw error;
        throw new ToolError(`Web fetch failed: ${error instanceof Error ? error.message : String(error)}`, "failed");
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

/**
 * GETs `url`, following redirects by hand so every hop passes the
 * private-network check and connects to the addresses it approved.
 */
async function follow(start: URL, s: ReturnType<typeof settings>, signal: AbortSignal, services: FetchServices): Promise<{ response: Response; finalUrl: URL }> {
  const init: RequestInit = {
    method: "GET",
    redirect: "manual",
    signal,
    headers: { "User-Agent": s.userAgent, Accept: "text/html,application/xhtml+xml,text/plain;q=0.9,*/*;q=0.8", "Accept-Language": "en-US,en;q=0.9" },
  };
  let url = start;
  for (let hop = 0; ; hop++) {
    const addresses = await checkTarget(url, s.policy, services.resolveHost);
    let response: Response;
    if (!addresses) response = await fetch(url, init);
    else if (services.pinnedFetch) response = await services.pinnedFetch(url, addresses, init);
    else throw new ToolError(`Blocked: ${url.hostname} cannot be fetched: this gateway cannot hold the connection to the address it checked.`, "forbidden");
    const location = response.headers.get("location");
    if (!REDIRECTS.has(response.status) || !location) return { response, finalUrl: url };
    await response.body?.cancel().catch(() => {});
    if (hop >= s.maxRedirects) throw new ToolError(`Web fetch failed: too many redirects (limit ${s.maxRedirects}).`, "failed");
    url = new URL(location, url);
  }
}

/** The body as text, reading at most `maxBytes` (the rest is never downloaded). */
async function readBounded(response: Response, maxBytes: number): Promise<{ text: string; truncated: boolean }> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  let truncated = false;
  if (response.body) {
    const reader = response.body.getReader();
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        const room = maxBytes - size;
        if (value.byteLength >= room) {
          chunks.push(value.subarray(0, room));
          size += room;
          truncated = value.byteLength > room || !(await reader.read()).done;
          break;
        }
        chunks.push(value);
        size += value.byteLength;
      }
    } finally {
      await reader.cancel().catch(() => {});
    }
  }
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    bytes.set(c, at);
    at += c.byteLength;
  }
  return { text: decoder(response.headers.get("content-type")).decode(bytes), truncated };
}

function decoder(contentType: string | null): TextDecoder {
  const charset = /charset=["']?([\w-]+)/i.exec(contentType ?? "")?.[1];
  try {
    return new TextDecoder(charset ?? "utf-8");
  } catch {
    return new TextDecoder("utf-8");
  }
}

async function extract(text: string, contentType: string, mode: "markdown" | "text", readability: boolean): Promise<{ text: string; title?: string; extractor: string }> {
  const type = contentType.split(";")[0]!.trim().toLowerCase();
  const html = type === "text/html" || type === "application/xhtml+xml" || (type === "" && /^\s*</.test(text));
  if (html) return readableHtml(text, mode, readability);
  if (type === "" || type.startsWith("text/") || type === "application/json" || type === "application/xml" || type.endsWith("+json") || type.endsWith("+xml")) {
    return { text: text.trim(), extractor: "raw" };
  }
  throw new ToolError(`Web fetch failed: unsupported content type ${type}.`, "failed");
}

/** Keeps the JSON the model reads whole: the page text gives way when the result would pass the output bound. */
function fit(payload: { text: string; truncated: boolean; length: number }, maxOutputChars: number) {
  let result = jsonResult(payload);
  const over = result.content[0]!.text.length - maxOutputChars;
  if (over > 0) {
    // JSON escaping can make each character of text cost more than one, so cut generously.
    const text = payload.text.slice(0, Math.max(0, payload.text.length - over * 2 - 64));
    result = jsonResult({ ...payload, text, length: text.length, truncated: true });
  }
  return result;
}
