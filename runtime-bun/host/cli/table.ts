/**
 * Box-drawn tables for people, in the style of OpenClaw's CLI. Cells are
 * never truncated: IDs must stay copyable.
 */

/** Renders `rows` under `headers`; each row has one string per header. */
export function renderTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (l: string, m: string, r: string) => l + widths.map((w) => "─".repeat(w + 2)).join(m) + r;
  const row = (cells: readonly string[]) => "│" + widths.map((w, i) => ` ${(cells[i] ?? "").padEnd(w)} `).join("│") + "│";
  return [line("┌", "┬", "┐"), row(headers), line("├", "┼", "┤"), ...rows.map(row), line("└", "┴", "┘")].join("\n");
}

/** "just now", "5m ago", "3h ago", "2d ago", as upstream's formatTimeAgo. */
export function timeAgo(ms: number): string {
  const minutes = Math.round(Math.round(ms / 1000) / 60);
  if (minutes < 1) return "just now";
  if (minutes < 60) return `${minutes}m ago`;
  const hours = Math.round(minutes / 60);
  return hours < 48 ? `${hours}h ago` : `${Math.round(hours / 24)}d ago`;
}
