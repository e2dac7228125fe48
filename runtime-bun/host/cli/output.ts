/**
 * CLI output conventions: JSON for scripts, short coloured lines for people,
 * and exit codes that mean something (78 = config/security refusal, as upstream).
 * Usage errors exit 1, as upstream's CLI does.
 */
export const EXIT = { ok: 0, failure: 1, usage: 1, config: 78 } as const;

// Decided on first use: touching process.stdout builds Node's stream machinery (about 9 ms on Bun),
// which `gateway run` need not pay before it listens.
let useColor: boolean | undefined;
const colored = () => (useColor ??= Boolean(process.stdout.isTTY) && !process.env.NO_COLOR && !process.argv.includes("--no-color"));
const paint = (code: number) => (text: string) => (colored() ? `\x1b[${code}m${text}\x1b[0m` : text);
export const color = { red: paint(31), green: paint(32), yellow: paint(33), dim: paint(2), bold: paint(1) };

export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + "\n");
}

/** Prints an error for people (stderr) and returns the exit code. */
export function fail(message: string, code: number = EXIT.failure, hint?: string): number {
  process.stderr.write(`${color.red("error")} ${message}\n`);
  if (hint) process.stderr.write(`${color.dim(hint)}\n`);
  return code;
}

/** `ms` in ISO 8601 as local time with its UTC offset, as upstream's CLI prints times (`logs`, `cron runs`). */
export function localIso(ms: number): string {
  const d = new Date(ms);
  const off = -d.getTimezoneOffset();
  const sign = off >= 0 ? "+" : "-";
  const pad = (n: number, w = 2) => String(Math.abs(n)).padStart(w, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}${sign}${pad(Math.trunc(off / 60))}:${pad(off % 60)}`;
}
