/**
 * The clobber guard every config writer runs (spec §11): a write that drops
 * `gateway.mode`, shrinks a file of 512+ bytes to under half, or replaces a
 * file that cannot be read is refused, and the payload is kept beside the
 * config as `<path>.rejected.<timestamp>`. Thresholds and wording follow
 * upstream. Pure. Runtime-agnostic.
 */
import JSON5 from "json5";
import { isPlainObject } from "./object-path.ts";

const SIZE_BASELINE_MIN_BYTES = 512;

const byteLength = (s: string) => new TextEncoder().encode(s).byteLength;

function gatewayMode(value: unknown): string | undefined {
  const gw = isPlainObject(value) ? value.gateway : undefined;
  const mode = isPlainObject(gw) ? gw.mode : undefined;
  return typeof mode === "string" && mode.trim() ? mode : undefined;
}

/** Why a write of `nextText` over `currentRaw` must be refused; empty when it may go ahead. */
export function clobberReasons(currentRaw: string | null, nextText: string): string[] {
  if (currentRaw === null) return [];
  let current: unknown;
  try {
    current = JSON5.parse(currentRaw);
  } catch {
    return ["unreadable-config-before-write"];
  }
  const reasons: string[] = [];
  // Measured against the canonical form, so comments and spacing in a hand-written file do not count.
  const baseline = isPlainObject(current) ? byteLength(JSON.stringify(current, null, 2) + "\n") : byteLength(currentRaw);
  const next = byteLength(nextText);
  if (baseline >= SIZE_BASELINE_MIN_BYTES && next < Math.floor(baseline * 0.5)) reasons.push(`size-drop:${baseline}->${next}`);
  let parsedNext: unknown;
  try {
    parsedNext = JSON5.parse(nextText);
  } catch {
    parsedNext = undefined;
  }
  if (gatewayMode(current) && !gatewayMode(parsedNext)) reasons.push("gateway-mode-removed");
  return reasons;
}

/** `<path>.rejected.<ISO time with ":" and "." as "-">`, as upstream names it. */
export function rejectedPath(configPath: string, now: Date): string {
  return `${configPath}.rejected.${now.toISOString().replaceAll(":", "-").replaceAll(".", "-")}`;
}

/** Upstream's refusal text. */
export function rejectionMessage(configPath: string, reasons: readonly string[], savedTo: string | null): string {
  const saved = savedTo ? `Rejected payload saved to ${savedTo}.` : "Rejected payload could not be saved.";
  return `Config write rejected: ${configPath} (${reasons.join(", ")}). ${saved}`;
}
