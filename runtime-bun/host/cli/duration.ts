/**
 * Durations as upstream's CLI reads and prints them: "10m", "1h30m", "90s",
 * "500ms" in; "every 1m 30s" out, with milliseconds kept.
 */
const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/gy;

/** "1h30m" -> 5400000; a bare number is milliseconds, as upstream's parser; undefined when not a duration. */
export function parseDuration(text: string): number | undefined {
  const raw = text.trim().toLowerCase();
  if (/^\d+(?:\.\d+)?$/.test(raw)) return Math.round(Number(raw));
  if (raw === "") return undefined;
  PART.lastIndex = 0;
  let total = 0;
  let end = 0;
  for (let m = PART.exec(raw); m; m = PART.exec(raw)) {
    total += Number(m[1]) * UNIT_MS[m[2]!]!;
    end = PART.lastIndex;
  }
  return end === raw.length && total > 0 ? Math.round(total) : undefined;
}

/** Upstream's message for a value `parseDuration` refuses. */
export function durationError(raw: string): string {
  return `Invalid duration: ${raw.trim() ? JSON.stringify(raw) : "empty value"}. Use values like 500ms, 30s, 5m, 2h, or 1h30m.`;
}

/** 1800000 -> "30m", 90000 -> "1m 30s", 1001 -> "1s 1ms". */
export function exactDuration(ms: number): string {
  const parts: string[] = [];
  let rest = ms;
  for (const unit of ["d", "h", "m", "s", "ms"]) {
    const size = UNIT_MS[unit]!;
    const k = Math.floor(rest / size);
    if (k > 0) parts.push(`${k}${unit}`);
    rest -= k * size;
  }
  return parts.join(" ") || "0ms";
}
