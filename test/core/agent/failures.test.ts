/**
 * Upstream failures: classification by status and body, upstream's user
 * texts, chat errorKind and OpenAI error mapping.
 */
import { describe, expect, test } from "bun:test";
import { chatErrorKind, classifyHttpFailure, classifyStreamError, openAiError, ProviderError, userMessage } from "../../../core/agent/failures.ts";

const ref = { provider: "acme", model: "m1" };

describe("classifyHttpFailure", () => {
  const cases: [number, string, string][] = [
    [429, "Rate limit reached for requests", "rate_limit"],
    [429, '{"error":{"type":"rate_limit_error","message":"Extra usage is required for long context requests"}}', "billing"],
    [429, "The model is overloaded", "overloaded"],
    [402, "", "billing"],
    [400, '{"error":{"code":"context_length_exceeded","message":"maximum context length is 8192 tokens"}}', "context_overflow"],
    [413, "", "context_overflow"],
    [401, "invalid api key", "auth"],
    [403, "forbidden", "auth"],
    [404, "", "model_not_found"],
    [400, "The model `x` does not exist", "model_not_found"],
    [503, "", "overloaded"],
    [529, "", "overloaded"],
    [504, "", "timeout"],
    [500, "boom", "server_error"],
    [422, "messages[0].content: invalid type: sequence, expected a string", "format"],
  ];
  for (const [status, body, reason] of cases) test(`${status} ${body.slice(0, 40) || "(empty)"} -> ${reason}`, () => expect(classifyHttpFailure(status, body) as string).toBe(reason));

  test("stream error messages", () => {
    expect(classifyStreamError("Rate limit exceeded")).toBe("rate_limit");
    expect(classifyStreamError("prompt is too long")).toBe("context_overflow");
    expect(classifyStreamError("something odd")).toBe("server_error");
  });
});

describe("userMessage", () => {
  test("rate limits: the generic line, or the provider's own text when it says when to retry", () => {
    expect(userMessage(new ProviderError("rate_limit", "Rate limit reached", ref, 429))).toBe("⚠️ API rate limit reached. Please try again later.");
    expect(userMessage(new ProviderError("rate_limit", "Please try again in 20s", ref, 429))).toBe("⚠️ Please try again in 20s");
    expect(userMessage(new ProviderError("rate_limit", '{"retry in 20 seconds"}', ref, 429))).toBe("⚠️ API rate limit reached. Please try again later.");
  });

  test("billing names the provider and model; the long-context 429 says what failed", () => {
    expect(userMessage(new ProviderError("billing", "insufficient_quota", ref, 402))).toBe(
      "⚠️ acme (m1) returned a billing error — your API key has run out of credits or has an insufficient balance. Check your acme billing dashboard and top up or switch to a different API key.",
    );
    expect(userMessage(new ProviderError("billing", "Extra usage is required for long context requests", ref, 429))).toStartWith("⚠️ acme (m1) refused a long-context request");
  });

  test("the other reasons use upstream's texts", () => {
    expect(userMessage(new ProviderError("context_overflow", "", ref))).toBe("Context overflow: prompt too large for the model. Try /reset (or /new) to start a fresh session, or use a larger-context model.");
    expect(userMessage(new ProviderError("timeout", "", ref))).toBe("LLM request timed out.");
    // Network failures are timeouts for failover, but the user is told what happened (upstream's transport copy).
    expect(userMessage(new ProviderError("timeout", "connection error: Unable to connect. Is the computer able to access the url? (ConnectionRefused)", ref))).toBe("LLM request failed: connection refused by the provider endpoint.");
    expect(userMessage(new ProviderError("timeout", "connection error: fetch failed (ECONNREFUSED)", ref))).toBe("LLM request failed: connection refused by the provider endpoint.");
    expect(userMessage(new ProviderError("timeout", "connection error: getaddrinfo ENOTFOUND api.example", ref))).toBe("LLM request failed: DNS lookup for the provider endpoint failed.");
    expect(userMessage(new ProviderError("timeout", "connection error: socket hang up (ECONNRESET)", ref))).toBe("LLM request failed: network connection was interrupted.");
    expect(userMessage(new ProviderError("server_error", "", ref))).toBe("LLM request failed: provider returned an internal error.");
    expect(userMessage(new ProviderError("model_not_found", "", ref))).toBe("The selected model was not found by the provider. Check the model id or choose a different model.");
    expect(userMessage(new ProviderError("overloaded", "model at capacity", ref))).toBe("⚠️ Selected model is at capacity. Try a different model, or wait and retry.");
  });
});

test("chat errorKind and OpenAI error mapping", () => {
  expect(chatErrorKind("rate_limit")).toBe("rate_limit");
  expect(chatErrorKind("overloaded")).toBe("rate_limit");
  expect(chatErrorKind("context_overflow")).toBe("context_length");
  expect(chatErrorKind("billing")).toBeUndefined();
  expect(openAiError("rate_limit")).toEqual({ status: 429, type: "rate_limit_error" });
  expect(openAiError("context_overflow", 400)).toEqual({ status: 400, type: "invalid_request_error" });
  expect(openAiError("server_error", 500)).toEqual({ status: 502, type: "api_error" });
  expect(openAiError("auth", 401)).toEqual({ status: 401, type: "authentication_error" });
});
