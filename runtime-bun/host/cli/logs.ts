/**
 * `clawgate logs [--follow] [--json] [--limit N] [--max-bytes N] [--interval ms]`
 * (spec §12): the gateway's JSONL log over `logs.tail`, polled by cursor when
 * following, reconnecting with backoff after transient drops. JSON mode emits
 * upstream's `{"type":"meta"|"log"|"notice"|"error"}` records. When the local
 * gateway cannot be reached, a one-shot read falls back to the log file.
 */
import { existsSync, readFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import type { LogPage } from "../../../core/runtime.ts";
import { callMethod, resolveTarget, type Target, type TargetFlags } from "./connection.ts";
import { failureBody, urlSourceLabel } from "./gateway-call.ts";
import { localGateway } from "./local-gateway.ts";
import { color, EXIT, localIso } from "./output.ts";

export interface LogsFlags extends TargetFlags {
  json?: boolean;
  follow?: boolean;
  limit?: number;
  maxBytes?: number;
  interval?: number;
  plain?: boolean;
  utc?: boolean;
}

const DEFAULT_LIMIT = 200;
const DEFAULT_MAX_BYTES = 250_000;
const DEFAULT_INTERVAL_MS = 1_000;
const DEFAULT_TIMEOUT_MS = 30_000;
const MAX_RETRIES = 8;
const MAX_BACKOFF_MS = 30_000;

function line(value: unknown): void {
  process.stdout.write(JSON.stringify(value) + "\n");
}

function printRecords(flags: LogsFlags, lines: readonly string[]): void {
  for (const raw of lines) {
    let rec: { time?: string; level?: string; subsystem?: string; message?: string };
    try {
      rec = JSON.parse(raw);
    } catch {
      rec = { message: raw };
    }
    const time = rec.time ? (flags.utc ? rec.time : localIso(Date.parse(rec.time))) : "";
    if (flags.json) {
      line({ type: "log", time: rec.time, level: rec.level, subsystem: rec.subsystem, message: rec.message, raw });
      continue;
    }
    const level = rec.level ?? "";
    const paint = flags.plain ? (s: string) => s : level === "error" || level === "fatal" ? color.red : level === "warn" ? color.yellow : (s: string) => s;
    process.stdout.write(`${flags.plain ? time : color.dim(time)} ${paint(level)} ${rec.subsystem ?? ""} ${rec.message ?? ""}\n`);
  }
}

/** A terminal failure: `{"type":"error",…}` on stderr in JSON mode, text otherwise; exit 1. */
function fatal(flags: LogsFlags, message: string, target?: Target): number {
  const details = target ? { url: target.url, urlSource: urlSourceLabel(target.urlSource) } : undefined;
  if (flags.json) {
    process.stderr.write(JSON.stringify({ type: "error", message, error: message, ...(details ? { details } : {}), hint: "Hint: run `clawgate doctor`." }) + "\n");
  } else {
    process.stderr.write(`${color.red(message)}\n`);
    if (details) process.stderr.write(color.dim(`Gateway target: ${details.url}\nSource: ${details.urlSource}\n`));
    process.stderr.write(color.dim("Hint: run `clawgate doctor`.\n"));
  }
  return EXIT.failure;
}

function notice(flags: LogsFlags, message: string): void {
  if (flags.json) process.stderr.write(JSON.stringify({ type: "notice", message }) + "\n");
  else process.stderr.write(color.dim(`${message}\n`));
}

/** The last lines of the log file itself, when the gateway cannot answer. */
function fileFallback(flags: LogsFlags, file: string, limit: number): number {
  if (!existsSync(file)) return fatal(flags, `Gateway not reachable and no log file at ${file}.`);
  const lines = readFileSync(file, "utf8").split("\n").filter(Boolean).slice(-limit);
  if (flags.json) line({ type: "meta", file, sourceKind: "file", localFallback: true });
  else process.stderr.write(color.dim(`Gateway not reachable; reading ${file} directly.\n`));
  printRecords(flags, lines);
  return EXIT.ok;
}

export async function logsCommand(flags: LogsFlags): Promise<number> {
  const limit = flags.limit ?? DEFAULT_LIMIT;
  const maxBytes = flags.maxBytes ?? DEFAULT_MAX_BYTES;
  const target = resolveTarget(flags);
  if ("error" in target) return fatal(flags, target.error);
  const timeout = flags.timeout ?? DEFAULT_TIMEOUT_MS;
  const fetchPage = (cursor?: number) => callMethod(target, "logs.tail", { ...(cursor !== undefined ? { cursor } : {}), limit, maxBytes }, timeout);

  const first = await fetchPage();
  if (!first.ok) {
    const body = failureBody(first.failure, target);
    const transport = first.failure.type === "gateway_transport_error";
    // Upstream falls back to the file only for the implicit local target and one-shot reads.
    if (transport && !flags.url && !flags.follow && target.urlSource === "local") return fileFallback(flags, localGateway(flags.profile).logFile, limit);
    return fatal(flags, String(body.error.message), target);
  }
  let page = first.payload as LogPage;
  if (flags.json) line({ type: "meta", file: page.file, sourceKind: "file", cursor: page.cursor, size: page.size });
  else if (!flags.plain) process.stdout.write(color.dim(`Log file: ${page.file}\n`));
  else process.stdout.write(`Log file: ${page.file}\n`);
  printRecords(flags, page.lines);
  if (page.truncated && !flags.follow) {
    if (flags.json) line({ type: "notice", message: "Log tail truncated (increase --limit or --max-bytes)." });
    else notice(flags, "Log tail truncated (increase --limit or --max-bytes).");
  }
  if (!flags.follow) return EXIT.ok;

  let stop = false;
  process.once("SIGINT", () => (stop = true));
  let retries = 0;
  let cursor = page.cursor;
  while (!stop) {
    await sleep(flags.interval ?? DEFAULT_INTERVAL_MS);
    if (stop) break;
    const next = await fetchPage(cursor);
    if (!next.ok) {
      if (next.failure.type !== "gateway_transport_error" || ++retries > MAX_RETRIES) return fatal(flags, String(failureBody(next.failure, target).error.message), target);
      const backoff = Math.min(1_000 * 2 ** (retries - 1), MAX_BACKOFF_MS);
      notice(flags, `[logs] gateway unreachable (${next.failure.message}); retry ${retries}/${MAX_RETRIES} in ${backoff} ms`);
      await sleep(backoff);
      continue;
    }
    if (retries > 0) notice(flags, "[logs] gateway reconnected");
    retries = 0;
    page = next.payload as LogPage;
    if (page.reset && flags.json) line({ type: "meta", file: page.file, sourceKind: "file", cursor: page.cursor, size: page.size, reset: true });
    printRecords(flags, page.lines);
    cursor = page.cursor;
  }
  return EXIT.ok;
}
