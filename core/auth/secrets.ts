/**
 * Gateway auth configuration: mode, secret precedence, placeholder refusal and
 * constant-time comparison (spec §4.1). Runtime-agnostic.
 */

export const AUTH_MODES = ["none", "token", "password", "trusted-proxy"] as const;
export type AuthMode = (typeof AUTH_MODES)[number];

/** The auth the gateway enforces for this run. */
export interface ResolvedAuth {
  mode: AuthMode;
  token?: string;
  password?: string;
  trustedProxy?: { userHeader: string };
}

/** Where each candidate secret came from, highest precedence first (§4.1). */
export interface SecretSources {
  flag?: string;
  config?: string;
  env?: string;
  remote?: string;
}

/** First non-empty secret in `--flag` > config > env > `gateway.remote` order. */
export function pickSecret(sources: SecretSources): string | undefined {
  for (const value of [sources.flag, sources.config, sources.env, sources.remote]) {
    if (typeof value === "string" && value.length > 0) return value;
  }
  return undefined;
}

const PLACEHOLDERS = /^(undefined|null|change-?me(-?now)?|changeme|your[-_ ]?token|replace[-_ ]?me|<token>|secret|password|token)$/i;

/** Secrets the real gateway refuses to run with: blank, "undefined", "null", change-me style. */
export function isPlaceholderSecret(value: string): boolean {
  return value.trim().length === 0 || PLACEHOLDERS.test(value.trim());
}

const encoder = new TextEncoder();

/**
 * Compares two secrets in time that depends only on the longer length, so a
 * failed guess reveals neither a matching prefix nor the secret's length class.
 */
export function safeEqualSecret(provided: string, expected: string): boolean {
  const a = encoder.encode(provided);
  const b = encoder.encode(expected);
  const n = Math.max(a.length, b.length);
  let diff = a.length ^ b.length;
  for (let i = 0; i < n; i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return diff === 0;
}
