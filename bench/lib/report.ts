/**
 * Figures a scenario hands to the summary: each metric with its unit and,
 * where the project has one, its budget. A scenario prints its own figures;
 * under `bench/run.ts` it also appends them as one JSON line to
 * `$BENCH_RESULTS`, which the runner reads for the final table.
 */
import { appendFileSync } from "node:fs";

/** `value < limit`, `value <= limit` or `value >= limit`. */
export interface Budget {
  op: "<" | "<=" | ">=";
  limit: number;
}

export interface Metric {
  name: string;
  value: number;
  unit: "ms" | "µs" | "ns" | "MB" | "frames/s" | "x" | "KB" | "B";
  budget?: Budget;
  note?: string;
}

export interface ScenarioResult {
  scenario: string;
  metrics: Metric[];
}

/** PASS / MISS for a budgeted metric, "" otherwise. */
export function verdict(m: Metric): "PASS" | "MISS" | "" {
  if (!m.budget || !Number.isFinite(m.value)) return m.budget ? "MISS" : "";
  const { op, limit } = m.budget;
  return (op === "<" ? m.value < limit : op === "<=" ? m.value <= limit : m.value >= limit) ? "PASS" : "MISS";
}

/** A number with sensible precision for its size. */
export function formatValue(value: number, unit: string): string {
  if (!Number.isFinite(value)) return "n/a";
  if (unit === "frames/s") return `${Math.round(value).toLocaleString("en-US")} ${unit}`;
  const digits = Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : Math.abs(value) >= 1 ? 2 : 3;
  return `${value.toFixed(digits)} ${unit}`;
}

export function formatBudget(b: Budget | undefined, unit: string): string {
  return b ? `${b.op} ${formatValue(b.limit, unit)}` : "";
}

/** Prints the figures and hands them to the runner when there is one. */
export function report(result: ScenarioResult): void {
  const rows = result.metrics.map((m) => [m.name, formatValue(m.value, m.unit), formatBudget(m.budget, m.unit), verdict(m), m.note ?? ""]);
  console.log(`\n[${result.scenario}]`);
  console.log(table(["metric", "value", "budget", "", "note"], rows));
  const file = process.env.BENCH_RESULTS;
  if (file) appendFileSync(file, JSON.stringify(result) + "\n");
}

/** A plain left-aligned text table; empty trailing columns are dropped. */
export function table(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) => cells.map((c, i) => (c ?? "").padEnd(widths[i]!)).join("  ").trimEnd();
  return [line(head), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}

/** Median of a non-empty list. */
export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** `q`-quantile (0..1) by nearest rank. */
export function quantile(values: number[], q: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))]!;
}
