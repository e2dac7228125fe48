/**
 * Reading Bot API failures: grammY throws GrammyError (Telegram answered
 * ok:false: error_code, description, parameters.retry_after) or HttpError
 * (the request never got an answer). Read by shape, so this module does not
 * load grammY. Pure.
 */

export interface ApiFailure {
  /** Telegram's error_code; undefined when no answer came (network, abort). */
  code?: number;
  description: string;
  retryAfterS?: number;
}

/** Bot API URLs carry the token (`/bot<token>/<method>`); a fetch error may quote one. */
export function redactToken(text: string): string {
  return text.replace(/bot\d+:[\w-]+/g, "bot<redacted>");
}

export function apiFailure(error: unknown): ApiFailure {
  const e = error as { error_code?: unknown; description?: unknown; parameters?: { retry_after?: unknown }; message?: unknown; error?: unknown };
  if (typeof e?.error_code === "number") {
    const retry = e.parameters?.retry_after;
    return { code: e.error_code, description: redactToken(String(e.description ?? "")), ...(typeof retry === "number" ? { retryAfterS: retry } : {}) };
  }
  // A failed fetch names its reason in `code` (Bun's fetch, node-fetch) or `cause.code` (Node's fetch); its `message` may quote the URL.
  const inner = e?.error as { code?: unknown; message?: unknown; cause?: { code?: unknown } } | undefined;
  const detail = inner?.code ?? inner?.cause?.code ?? inner?.message ?? e?.message ?? String(error);
  return { description: redactToken(String(detail)) };
}

/** Sleeps `ms`, or less when `signal` aborts. */
export function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}
