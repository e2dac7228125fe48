/**
 * Upstream model failures: one error type with a classified reason, the
 * user-facing text upstream shows for each reason (kept byte for byte), and
 * the mappings onto chat `errorKind` (§7) and OpenAI error objects (§10).
 * Runtime-agnostic.
 */

/** Failure reasons, named as upstream's failover classifier names them. */
export type FailureReason =
  | "rate_limit"
  | "overloaded"
  | "billing"
  | "context_overflow"
  | "auth"
  | "model_not_found"
  | "format"
  | "server_error"
  | "timeout"
  | "unknown";

/** A model call that failed; `raw` is the provider's own text (never a secret). */
export class ProviderError extends Error {
  constructor(
    readonly reason: FailureReason,
    readonly raw: string,
    readonly ref: { provider: string; model: string },
    readonly status?: number,
  ) {
    super(raw || reason);
    this.name = "ProviderError";
  }
}

// Upstream files Anthropic's "Extra usage is required for long context requests" 429 under billing.
const BILLING = /payment required|insufficient[_ ](?:credits|quota|balance)|credit balance|out of extra usage|extra usage is required/i;
const CONTEXT = /context[_ ]length[_ ]exceeded|maximum context length|context length exceeded|prompt is too long|exceeds (?:the )?model(?:'s)? context window|request_too_large|context window|too many tokens/i;
const OVERLOADED = /overloaded|at capacity|high demand/i;
const MODEL_NOT_FOUND = /model[_ ]not[_ ]found|no such model|unknown model|model .* does not exist/i;

/** Classifies an HTTP failure from its status and body text. */
export function classifyHttpFailure(status: number, body: string): FailureReason {
  if (BILLING.test(body) || status === 402) return "billing";
  if (CONTEXT.test(body) || status === 413) return "context_overflow";
  if (status === 429) return OVERLOADED.test(body) ? "overloaded" : "rate_limit";
  if (status === 401 || status === 403) return "auth";
  if (status === 404 || MODEL_NOT_FOUND.test(body)) return "model_not_found";
  if (status === 503 || status === 529 || OVERLOADED.test(body)) return "overloaded";
  if (status === 408 || status === 504) return "timeout";
  if (status >= 500) return "server_error";
  if (status >= 400) return "format";
  return "unknown";
}

/** Classifies an error message that arrived inside a stream (`{"error":{…}}` chunk). */
export function classifyStreamError(message: string): FailureReason {
  if (BILLING.test(message)) return "billing";
  if (CONTEXT.test(message)) return "context_overflow";
  if (/rate.?limit|too many requests/i.test(message)) return "rate_limit";
  if (OVERLOADED.test(message)) return "overloaded";
  if (MODEL_NOT_FOUND.test(message)) return "model_not_found";
  return "server_error";
}

// Transport failures, as upstream's formatTransportErrorCopy words them; Bun names the code `ConnectionRefused`.
const TRANSPORT_COPY: [RegExp, string][] = [
  [/\beconnrefused\b|\bconnectionrefused\b|connection refused|actively refused/i, "LLM request failed: connection refused by the provider endpoint."],
  [/\beconnreset\b|\beconnaborted\b|\benetreset\b|\bepipe\b|\bconnectionclosed\b|socket hang up|connection reset|connection aborted/i, "LLM request failed: network connection was interrupted."],
  [/\benotfound\b|\beai_again\b|\bdnsfailed\b|getaddrinfo|no such host|\bdns\b/i, "LLM request failed: DNS lookup for the provider endpoint failed."],
  [/\benetunreach\b|\behostunreach\b|\behostdown\b|network is unreachable|host is unreachable/i, "LLM request failed: the provider endpoint is unreachable from this host."],
  [/fetch failed|connection error|network request failed|unable to connect/i, "LLM request failed: network connection error."],
];

/** Upstream's text for a transport failure (refused, reset, DNS, unreachable), or undefined. */
export function transportCopy(raw: string): string | undefined {
  for (const [pattern, text] of TRANSPORT_COPY) if (pattern.test(raw)) return text;
  return undefined;
}

const RATE_LIMIT_DETAIL = /\bmin(ute)?s?\b|\bhours?\b|\bseconds?\b|\btry again in\b|\bresets?\b|\bplan\b|\bquota\b/i;

/** The chat error text for a failure, as upstream words it. */
export function userMessage(error: ProviderError): string {
  switch (error.reason) {
    case "rate_limit": {
      // A provider message that says when to retry is more useful than the generic line.
      const raw = error.raw.trim();
      if (raw && raw.length <= 300 && !raw.startsWith("{") && !raw.startsWith("<") && RATE_LIMIT_DETAIL.test(raw)) return `⚠️ ${raw}`;
      return "⚠️ API rate limit reached. Please try again later.";
    }
    case "overloaded":
      return /at capacity/i.test(error.raw)
        ? "⚠️ Selected model is at capacity. Try a different model, or wait and retry."
        : "The AI service is temporarily overloaded. Please try again in a moment.";
    case "billing": {
      const { provider, model } = error.ref;
      // Upstream files this 429 under billing; say what actually failed (troubleshooting docs' long-context case).
      if (/extra usage is required for long context/i.test(error.raw)) {
        return `⚠️ ${provider} (${model}) refused a long-context request: Extra usage is required for long context requests. Switch to a standard-context model, use a credential eligible for long context, or configure fallback models.`;
      }
      return `⚠️ ${provider} (${model}) returned a billing error — your API key has run out of credits or has an insufficient balance. Check your ${provider} billing dashboard and top up or switch to a different API key.`;
    }
    case "context_overflow":
      return "Context overflow: prompt too large for the model. Try /reset (or /new) to start a fresh session, or use a larger-context model.";
    case "auth":
      return "Authentication failed (provider returned HTTP 401). Your provider token may have expired — try the request again in a moment. If the failure persists, re-authenticate this provider.";
    case "model_not_found":
      return "The selected model was not found by the provider. Check the model id or choose a different model.";
    case "server_error":
      return "LLM request failed: provider returned an internal error.";
    case "timeout":
      // Upstream files network failures under timeout for failover but tells the user what happened.
      return transportCopy(error.raw) ?? "LLM request timed out.";
    case "format":
      return error.raw.trim() ? `LLM request rejected: ${error.raw.trim().slice(0, 300)}` : "LLM request failed.";
    case "unknown":
      return "LLM request failed with an unknown error.";
  }
}

/** `errorKind` of a chat error event (§7, schema ChatErrorEvent). */
export function chatErrorKind(reason: FailureReason): "rate_limit" | "context_length" | "timeout" | undefined {
  if (reason === "rate_limit" || reason === "overloaded") return "rate_limit";
  if (reason === "context_overflow") return "context_length";
  if (reason === "timeout") return "timeout";
  return undefined;
}

/** HTTP status and OpenAI error `type` for a failure on `/v1/chat/completions` (§10). */
export function openAiError(reason: FailureReason, status?: number): { status: number; type: string } {
  switch (reason) {
    case "auth": return { status: status ?? 401, type: "authentication_error" };
    case "rate_limit": return { status: 429, type: "rate_limit_error" };
    case "billing": return { status: status ?? 402, type: "insufficient_quota" };
    case "context_overflow":
    case "model_not_found":
    case "format": return { status: status && status >= 400 && status < 500 ? status : 400, type: "invalid_request_error" };
    case "timeout": return { status: 504, type: "api_error" };
    case "overloaded": return { status: 503, type: "api_error" };
    case "server_error": return { status: 502, type: "api_error" };
    case "unknown": return { status: 500, type: "api_error" };
  }
}
