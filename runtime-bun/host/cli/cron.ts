/**
 * `clawgate cron list|add|rm|run` (upstream's `openclaw cron`, alias
 * `automations`): scheduler jobs over `cron.*`. As upstream: `list` prints a
 * table (or `--json`), the others print their result as JSON; a refusal is
 * printed as a `cli_error` envelope on stdout and as text on stderr, exit 1.
 */
import type { Values } from "./args.ts";
import { durationError, exactDuration, parseDuration } from "./duration.ts";
import { EXIT, localIso, printJson } from "./output.ts";
import { rpc, type CommandFailure, type CommandFlags } from "./rpc-command.ts";

type Schedule = { kind: "at"; at: string } | { kind: "every"; everyMs: number; anchorMs?: number } | { kind: "cron"; expr: string; tz?: string; staggerMs?: number };

interface Job {
  id: string;
  name: string;
  displayName?: string;
  enabled: boolean;
  agentId?: string;
  effectiveAgentId?: string;
  schedule: Schedule;
  sessionTarget: string;
  payload: { kind: string; model?: string };
  state: { nextRunAtMs?: number; lastRunAtMs?: number; runningAtMs?: number; lastRunStatus?: string; consecutiveErrors?: number };
}

/** A refusal: the envelope for scripts on stdout, the message for people on stderr. */
function refuse(message: string): number {
  printJson({ ok: false, error: { type: "cli_error", message } });
  process.stderr.write(`${message}\n`);
  return EXIT.failure;
}

/** Gateway failures, with upstream's wording for an unknown job id. */
function refuseFailure(failure: CommandFailure, id?: string): number {
  if (id && failure.message.startsWith("Automation not found:")) return refuse(`Automation not found: ${id}. Run \`clawgate cron list\` to see recent automation ids.`);
  return refuse(failure.message);
}

async function call<T>(flags: CommandFlags, method: string, params: unknown, id?: string): Promise<number> {
  const result = await rpc<T>(flags, method, params);
  if (!result.ok) return refuseFailure(result.failure, id);
  printJson(result.payload);
  return EXIT.ok;
}

// ---- list

const COLUMNS = [["ID", 36], ["Declaration", 24], ["Name", 24], ["Schedule", 32], ["Next", 10], ["Last", 10], ["Status", 19], ["Target", 9], ["Delivery", 64], ["Agent ID", 10], ["Owner", 24], ["Model", 20]] as const;

/** Upstream's fixed-width cell: "-" when empty, cut with "..." when too long. */
function cell(value: string | undefined, width: number): string {
  const text = value || "-";
  return (text.length <= width ? text : `${text.slice(0, width - 3)}...`).padEnd(width);
}

function span(ms: number): string {
  if (ms < 60_000) return "<1m";
  const minutes = Math.round(ms / 60_000);
  if (minutes < 60) return `${minutes}m`;
  const hours = Math.round(minutes / 60);
  return hours < 48 ? `${hours}h` : `${Math.round(hours / 24)}d`;
}

function relative(ms: number | undefined, now: number): string {
  if (!ms) return "-";
  return ms >= now ? `in ${span(ms - now)}` : `${span(now - ms)} ago`;
}

/** "every 10m", "at 2026-12-02 06:08Z", "cron 0 7 * * * @ Europe/Paris (exact)". */
function formatSchedule(s: Schedule): string {
  if (s.kind === "every") return `every ${exactDuration(s.everyMs)}`;
  if (s.kind === "at") {
    const ms = Date.parse(s.at);
    return Number.isFinite(ms) ? `at ${new Date(ms).toISOString().slice(0, 16).replace("T", " ")}Z` : `at ${s.at}`;
  }
  const base = `cron ${s.expr}${s.tz ? ` @ ${s.tz}` : ""}`;
  return s.staggerMs ? `${base} (stagger ${exactDuration(s.staggerMs)})` : `${base} (exact)`;
}

function status(job: Job): string {
  if (job.state.runningAtMs) return "running";
  if (!job.enabled) return "disabled";
  const last = job.state.lastRunStatus ?? "idle";
  const failures = job.state.consecutiveErrors ?? 0;
  return last === "error" && failures > 1 ? `error (${failures > 99 ? "99+" : failures}x)` : last;
}

/** `cron list`: a fixed-width table as upstream's, or the `cron.list` page with --json. */
export async function cronList(flags: CommandFlags & { agent?: string; all?: boolean }): Promise<number> {
  const result = await rpc<{ jobs: Job[] }>(flags, "cron.list", { ...(flags.all ? { includeDisabled: true } : {}), ...(flags.agent ? { agentId: flags.agent } : {}) });
  if (!result.ok) return refuseFailure(result.failure);
  if (flags.json) {
    printJson(result.payload);
    return EXIT.ok;
  }
  const { jobs } = result.payload;
  if (jobs.length === 0) {
    process.stdout.write("No automations.\n");
    return EXIT.ok;
  }
  const now = Date.now();
  const lines = [COLUMNS.map(([h, w]) => cell(h, w)).join(" ")];
  for (const job of jobs) {
    const values = [job.id, undefined, job.displayName ?? job.name, formatSchedule(job.schedule), job.enabled ? relative(job.state.nextRunAtMs, now) : "-", relative(job.state.lastRunAtMs, now), status(job), job.sessionTarget, undefined, job.effectiveAgentId ?? job.agentId ?? "unresolved", undefined, job.payload.kind === "agentTurn" ? job.payload.model : undefined];
    lines.push(values.map((v, i) => cell(v, COLUMNS[i]![1])).join(" ").trimEnd());
  }
  process.stdout.write(lines.join("\n") + "\n");
  return EXIT.ok;
}

// ---- add

const SESSION_TARGET = /^(main|isolated|current|session:.+)$/;

/** Milliseconds of the UTC offset `timeZone` has at `utcMs`. */
function zoneOffsetMs(timeZone: string, utcMs: number): number {
  const parts = new Intl.DateTimeFormat("en-US", { timeZone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit" }).formatToParts(new Date(utcMs));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  return Date.UTC(get("year"), get("month") - 1, get("day"), get("hour"), get("minute"), get("second")) - Math.floor(utcMs / 1000) * 1000;
}

/** `--at`: a duration from now, an ISO time with an offset, or an offset-less ISO time in UTC (or in `tz`). */
function parseAt(raw: string, tz: string | undefined, now: number): string | { error: string } {
  const relative = /^\+?\d[\d.]*[a-z]*$/i.test(raw.trim()) ? parseDuration(raw.replace("+", "")) : undefined;
  if (relative !== undefined) return new Date(now + relative).toISOString();
  const text = raw.trim();
  const local = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?$/.test(text);
  const asUtc = Date.parse(local ? `${text}${text.includes("T") ? "" : "T00:00:00"}Z` : text);
  if (!Number.isFinite(asUtc)) return { error: "Invalid --at. Use an ISO timestamp or a duration like 20m." };
  if (!local || !tz) return new Date(asUtc).toISOString();
  // Wall-clock time in tz: shift by the zone's offset, then once more across a DST edge.
  const first = asUtc - zoneOffsetMs(tz, asUtc);
  return new Date(asUtc - zoneOffsetMs(tz, first)).toISOString();
}

function validZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** `cron add` flags and positionals -> `cron.add` params, or the first problem in upstream's words. */
function addParams(args: readonly string[], v: Values, now: number): Record<string, unknown> | { error: string } {
  const str = (name: string) => v[name] as string | undefined;
  const tz = str("tz");
  if (tz !== undefined && !validZone(tz)) return { error: `Invalid --tz "${tz}". Use an IANA timezone such as Europe/Paris.` };
  const chosen = (["at", "every", "cron"] as const).filter((k) => str(k) !== undefined);
  if (chosen.length > 1) return { error: "Choose exactly one schedule: --at, --every, or --cron" };
  // Without a schedule flag the first positional is the schedule (a cron expression or an --at value).
  const positionalSchedule = chosen.length === 0 ? args[0] : undefined;
  if (chosen.length === 0 && positionalSchedule === undefined) return { error: "Choose exactly one schedule: --at, --every, or --cron" };
  const kind = chosen[0] ?? (positionalSchedule!.trim().split(/\s+/).length >= 5 ? "cron" : "at");
  const raw = str(kind) ?? positionalSchedule!;
  if (kind !== "cron" && (v.exact || str("stagger") !== undefined)) return { error: "--exact and --stagger apply only to cron schedules." };
  if (v.exact && str("stagger") !== undefined) return { error: "--exact and --stagger cannot be combined." };
  let schedule: Schedule;
  if (kind === "every") {
    const everyMs = parseDuration(raw);
    if (everyMs === undefined) return { error: durationError(raw) };
    if (tz !== undefined) return { error: "--tz applies only to cron schedules and offset-less --at times." };
    schedule = { kind, everyMs };
  } else if (kind === "at") {
    const at = parseAt(raw, tz, now);
    if (typeof at !== "string") return at;
    schedule = { kind, at };
  } else {
    const stagger = str("stagger");
    const staggerMs = stagger === undefined ? undefined : parseDuration(stagger);
    if (stagger !== undefined && staggerMs === undefined) return { error: durationError(stagger) };
    schedule = { kind, expr: raw.trim(), ...(tz ? { tz } : {}), ...(v.exact ? { staggerMs: 0 } : staggerMs !== undefined ? { staggerMs } : {}) };
  }
  const name = (str("name") ?? (positionalSchedule === undefined ? args[0] : undefined))?.trim();
  if (!name) return { error: "Cron job name is required. Pass a name or --name <name>." };
  const message = str("message") ?? args[1];
  const systemEvent = str("system-event");
  if ((message === undefined) === (systemEvent === undefined)) return { error: "Choose exactly one payload: --system-event or --message" };
  if (systemEvent !== undefined && (str("model") ?? str("thinking") ?? v["timeout-seconds"]) !== undefined) return { error: "--model, --thinking and --timeout-seconds apply only to --message jobs." };
  const sessionTarget = str("session") ?? (systemEvent !== undefined ? "main" : "isolated");
  if (!SESSION_TARGET.test(sessionTarget)) return { error: `Invalid --session "${sessionTarget}". Use main, isolated, current or session:<id>.` };
  const wakeMode = str("wake") ?? "now";
  if (wakeMode !== "now" && wakeMode !== "next-heartbeat") return { error: `Invalid --wake "${wakeMode}". Use now or next-heartbeat.` };
  if (v["delete-after-run"] && v["keep-after-run"]) return { error: "--delete-after-run and --keep-after-run cannot be combined." };
  const payload = systemEvent !== undefined
    ? { kind: "systemEvent", text: systemEvent }
    : { kind: "agentTurn", message, ...(str("model") ? { model: str("model") } : {}), ...(str("thinking") ? { thinking: str("thinking") } : {}), ...(v["timeout-seconds"] !== undefined ? { timeoutSeconds: v["timeout-seconds"] } : {}) };
  // Isolated agent jobs announce their final reply by default, as upstream's; a destination flag asks for it too.
  const threadId = str("thread-id");
  const destination = { ...(str("to") ? { to: str("to") } : {}), ...(threadId ? { threadId: /^\d+$/.test(threadId) ? Number(threadId) : threadId } : {}), ...(str("account") ? { accountId: str("account") } : {}) };
  if (v.announce && v["no-deliver"]) return { error: "Choose at most one of --announce, --no-deliver, or --webhook." };
  const route = { ...(str("channel") ? { channel: str("channel")!.toLowerCase() } : {}), ...destination };
  const delivery = v["no-deliver"] ? { mode: "none", ...route }
    : v.announce || Object.keys(route).length > 0 || (payload.kind === "agentTurn" && sessionTarget === "isolated") ? { mode: "announce", channel: "last", ...route } : undefined;
  return {
    name,
    ...(str("display-name") ? { displayName: str("display-name") } : {}),
    ...(str("description") !== undefined ? { description: str("description") } : {}),
    ...(str("agent") ? { agentId: str("agent") } : {}),
    ...(str("session-key") ? { sessionKey: str("session-key") } : {}),
    enabled: !v.disabled,
    ...(v["delete-after-run"] ? { deleteAfterRun: true } : v["keep-after-run"] ? { deleteAfterRun: false } : {}),
    schedule,
    sessionTarget,
    wakeMode,
    payload,
    ...(delivery ? { delivery } : {}),
  };
}

/** `cron add|create`: prints the stored job. */
export async function cronAdd(args: string[], v: Values, flags: CommandFlags): Promise<number> {
  const params = addParams(args, v, Date.now());
  if ("error" in params) return refuse(params.error as string);
  if ((params.payload as { kind: string }).kind === "agentTurn" && !params.agentId) {
    process.stderr.write("No --agent specified; the job will run with the configured default agent. Specify --agent to choose a specific agent.\n");
  }
  return call(flags, "cron.add", params);
}

// ---- rm, run

/** `cron rm|remove|delete <id>`. */
export async function cronRemove(id: string | undefined, flags: CommandFlags): Promise<number> {
  if (!id?.trim()) return refuse("Missing required argument: <id>. Run `clawgate cron list` to see automation ids.");
  return call(flags, "cron.remove", { id: id.trim() }, id.trim());
}

/** `cron run <id>`: queues a run (forced unless --due) and prints its receipt. */
export async function cronRun(id: string | undefined, flags: CommandFlags & { due?: boolean }): Promise<number> {
  if (!id?.trim()) return refuse("Missing required argument: <id>. Run `clawgate cron list` to see automation ids.");
  return call(flags, "cron.run", { id: id.trim(), mode: flags.due ? "due" : "force" }, id.trim());
}

// ---- runs

const RUN_STATUS_FILTERS = ["all", "ok", "error", "skipped"];
const DELIVERY_STATUS_FILTERS = ["delivered", "not-delivered", "unknown", "not-requested"];

/** `cron runs [id]`: a page of the run log, filtered by the gateway, with upstream's ISO times added to each entry. */
export async function cronRuns(id: string | undefined, flags: CommandFlags & { limit?: number; offset?: number; runId?: string; status?: string; deliveryStatus?: string; query?: string; sort?: string }): Promise<number> {
  if (!id?.trim()) return refuse("Missing required argument: <id>. Run `clawgate cron list` to see automation ids.");
  const choice = (flag: string, value: string | undefined, allowed: string[]) =>
    value !== undefined && !allowed.includes(value) ? `Invalid --${flag} "${value}". Use ${allowed.slice(0, -1).join(", ")} or ${allowed.at(-1)}.` : undefined;
  const bad = choice("status", flags.status, RUN_STATUS_FILTERS) ?? choice("delivery-status", flags.deliveryStatus, DELIVERY_STATUS_FILTERS) ?? choice("sort", flags.sort, ["asc", "desc"]);
  if (bad) return refuse(bad);
  const params = {
    id: id.trim(), limit: flags.limit ?? 50,
    ...(flags.offset !== undefined ? { offset: flags.offset } : {}),
    ...(flags.runId ? { runId: flags.runId } : {}),
    ...(flags.status ? { status: flags.status } : {}),
    ...(flags.deliveryStatus ? { deliveryStatus: flags.deliveryStatus } : {}),
    ...(flags.query ? { query: flags.query } : {}),
    ...(flags.sort ? { sortDir: flags.sort } : {}),
  };
  const result = await rpc<{ entries: Record<string, unknown>[] }>(flags, "cron.runs", params);
  if (!result.ok) return refuseFailure(result.failure, id.trim());
  const iso = (v: unknown) => (typeof v === "number" ? localIso(v) : undefined);
  const entries = result.payload.entries.map((e) => {
    const times = { tsIso: iso(e.ts), runAtIso: iso(e.runAtMs), nextRunAtIso: iso(e.nextRunAtMs) };
    return { ...e, ...Object.fromEntries(Object.entries(times).filter(([, v]) => v !== undefined)) };
  });
  printJson({ ...result.payload, entries });
  return EXIT.ok;
}
