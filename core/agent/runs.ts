/**
 * Agent runs: one turn of one session, from admission to a terminal outcome.
 * Turns of a session run one after another; each streams its model's deltas
 * as `agent` and `chat` events (spec §7), falls back along the model chain
 * when a model fails before answering (`fallback_step`), can be aborted, and
 * is persisted so a restart leaves history intact and the run marked
 * interrupted. When the gateway offers tools (core/tools/), the model's tool
 * calls run and their results go back to it, round after round, until it
 * answers or a bound stops the loop (tool-loop.ts). Runtime-agnostic.
 */
import type { OpenClawConfig } from "../config/schema.ts";
import { unavailable } from "../protocol/errors.ts";
import type { ChatMessage, SessionTarget, Sessions } from "../sessions/sessions.ts";
import type { RunRecord, RunStatus, SessionRecord } from "../store.ts";
import { DedupeCache } from "./dedupe.ts";
import { SILENT_REPLIES } from "./embedded.ts";
import { chatErrorKind, ProviderError, userMessage, type FailureReason } from "./failures.ts";
import { modelRefs, resolveCandidates, unknownModel, type ModelCandidate } from "./models.ts";
import type { SamplingParams, ToolCall, ToolDefinition, TurnChunk, TurnMessage, TurnPurpose, TurnUsage } from "./provider.ts";
import { historyContext, runToolRound, toolsetFor, type RoundEntry, type RunTools, type Toolset } from "./tool-loop.ts";

export type RunKind = "chat" | "agent" | "cron" | "heartbeat" | "http";
export type TerminalStatus = Exclude<RunStatus, "running">;

/** What starts a run. */
export interface RunRequest {
  runId: string;
  target: SessionTarget;
  /** The user's text for this turn; it is what the transcript records. */
  message: string;
  kind: RunKind;
  timeoutMs?: number;
  model?: { model?: string; fallbacks?: string[] };
  /** The model sees only this conversation, not the stored history (stateless OpenAI HTTP requests). */
  context?: TurnMessage[];
  /** Leads the context as a system message. */
  system?: string;
  /** Replaces the recorded user message as the newest turn of the context (multi-part and tool follow-up turns). */
  turn?: TurnMessage[];
  sampling?: SamplingParams;
  tools?: ToolDefinition[];
  toolChoice?: unknown;
}

/** How a run ended. */
export interface RunOutcome {
  runId: string;
  sessionKey: string;
  sessionId: string;
  agentId: string;
  status: TerminalStatus;
  text: string;
  startedAt: number;
  endedAt: number;
  stopReason?: string;
  usage?: TurnUsage;
  provider?: string;
  model?: string;
  /** User-facing error text (§7 chat `errorMessage`). */
  error?: string;
  failure?: FailureReason;
  toolCalls?: ToolCall[];
}

/** Live output of one run, for in-process consumers such as the OpenAI HTTP stream. */
export type RunStreamEvent = { type: "delta"; text: string } | { type: "end"; outcome: RunOutcome };

export interface AgentRunsHost {
  now(): number;
  config(): OpenClawConfig;
  sessions: Sessions;
  emit(event: "chat" | "agent", payload: Record<string, unknown>): void;
  warn(message: string, fields: Record<string, unknown>): void;
  /** The gateway's tools; absent or empty, runs never call tools. */
  tools?: RunTools;
}

/** Why a run was stopped from outside: `rpc` (chat.abort), the gateway going down, the caller leaving, or the clock. */
export class RunStop {
  constructor(readonly stopReason: "rpc" | "restart" | "disconnect" | "timeout") {}
}

/** One model attempt in flight: its stream and the already-requested first chunk. */
interface Attempt {
  iterator?: AsyncIterator<TurnChunk>;
  first: Promise<IteratorResult<TurnChunk>>;
}

/** Stored history the model sees for a turn. */
const CONTEXT_MESSAGES = 40;
/** `agents.defaults.timeoutSeconds` when unset (upstream: 48 hours). */
const DEFAULT_RUN_TIMEOUT_MS = 48 * 3600_000;

export class Run {
  readonly controller = new AbortController();
  readonly startedAt: number;
  text = "";
  seq = 0;
  state: "queued" | "running" | "ended" = "queued";
  /** Tool rounds run so far and the characters of tool output the model was sent (the loop's bounds). */
  toolRounds = 0;
  toolOutputChars = 0;
  session?: SessionRecord;
  outcome?: RunOutcome;
  readonly done: Promise<RunOutcome>;
  private resolveDone!: (o: RunOutcome) => void;
  private readonly listeners = new Set<(e: RunStreamEvent) => void>();

  constructor(readonly request: RunRequest, now: number) {
    this.startedAt = now;
    this.done = new Promise((resolve) => (this.resolveDone = resolve));
  }

  get runId(): string {
    return this.request.runId;
  }

  get sessionKey(): string {
    return this.request.target.key;
  }

  /** Heartbeats stay out of chat until they have something to say. */
  get hidden(): boolean {
    return this.request.kind === "heartbeat";
  }

  subscribe(listener: (e: RunStreamEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  publish(event: RunStreamEvent): void {
    for (const l of this.listeners) l(event);
  }

  settle(outcome: RunOutcome): void {
    this.outcome = outcome;
    this.state = "ended";
    this.publish({ type: "end", outcome });
    this.listeners.clear();
    this.resolveDone(outcome);
  }
}

export class AgentRuns {
  private readonly active = new Map<string, Run>();
  /** Finished runs, for `agent.wait` and repeated keys. */
  private readonly finished: DedupeCache<RunOutcome>;
  private readonly waiters = new Map<string, Set<(o: RunOutcome) => void>>();
  /** The last run of each session; the next one starts when it ends. */
  private readonly tails = new Map<string, Promise<unknown>>();
  private closed = false;

  constructor(private readonly host: AgentRunsHost) {
    this.finished = new DedupeCache(() => host.now());
  }

  get(runId: string): Run | undefined {
    return this.active.get(runId);
  }

  /** A finished run's outcome: from memory, else from the store. */
  outcome(runId: string): RunOutcome | RunRecord | undefined {
    return this.finished.get(runId) ?? this.storedTerminal(runId);
  }

  /** Runs of a session that have not ended, oldest first. */
  activeFor(sessionKey: string): Run[] {
    return [...this.active.values()].filter((r) => r.sessionKey === sessionKey);
  }

  get activeCount(): number {
    return this.active.size;
  }

  /** Admits a run; it starts once earlier turns of its session have ended. */
  start(request: RunRequest): Run {
    // After interruptAll() the store is about to close; a late request gets the §1.4 "try later" answer.
    if (this.closed) throw unavailable("gateway stopping", { retryable: true });
    const run = new Run(request, this.host.now());
    this.active.set(run.runId, run);
    const queuedBehind = this.tails.get(run.sessionKey);
    // A run that has to wait is on record now, so a crash while it waits still marks it interrupted;
    // one that starts at once is recorded by begin(), in the same commit as its user turn.
    if (queuedBehind) this.host.sessions.store.putRun(this.record(run, "running"));
    const previous = queuedBehind ?? Promise.resolve();
    // A bug in one run must neither leave it open nor stall the session's queue behind it.
    const tail = previous.then(() => this.execute(run)).catch((error: unknown) => {
      this.host.warn("agent run failed", { runId: run.runId, error: error instanceof Error ? error.stack ?? error.message : String(error) });
      this.finish(run, { status: "error", error: "internal error", failure: "unknown" });
    });
    this.tails.set(run.sessionKey, tail);
    void tail.finally(() => {
      if (this.tails.get(run.sessionKey) === tail) this.tails.delete(run.sessionKey);
    });
    return run;
  }

  /** Stops one run; false when it is not active. */
  abort(runId: string, stop: RunStop): boolean {
    const run = this.active.get(runId);
    if (!run || run.state === "ended") return false;
    run.controller.abort(stop);
    return true;
  }

  /** Resolves when the run ends, or with undefined after `timeoutMs`. */
  wait(runId: string, timeoutMs: number): Promise<RunOutcome | RunRecord | undefined> {
    const known = this.outcome(runId);
    if (known) return Promise.resolve(known);
    return new Promise((resolve) => {
      const set = this.waiters.get(runId) ?? new Set();
      this.waiters.set(runId, set);
      const done = (o: RunOutcome | undefined) => {
        clearTimeout(timer);
        set.delete(done);
        if (set.size === 0) this.waiters.delete(runId);
        resolve(o);
      };
      const timer = setTimeout(() => done(undefined), timeoutMs);
      set.add(done);
    });
  }

  /**
   * The gateway is stopping: every active run ends now as interrupted, with
   * its partial reply kept, before the store closes.
   */
  interruptAll(): void {
    this.closed = true;
    for (const run of [...this.active.values()]) {
      this.finish(run, { status: "interrupted", error: "interrupted: the gateway stopped during this run", stopReason: "restart" });
      run.controller.abort(new RunStop("restart"));
    }
  }

  /** After a crash: runs the store still shows as running are marked interrupted. */
  recoverInterrupted(): number {
    const store = this.host.sessions.store;
    const stale = store.listRuns("running");
    for (const record of stale) {
      store.putRun({ ...record, status: "interrupted", endedAt: this.host.now(), error: "interrupted: the gateway restarted during this run" });
      const session = store.getSession(record.sessionKey);
      if (session && session.lastRunId === record.runId) {
        this.host.sessions.save({ ...session, status: "killed", lastRunError: "interrupted: the gateway restarted during this run" });
      }
    }
    return stale.length;
  }

  private async execute(run: Run): Promise<void> {
    const { request } = run;
    // Client-declared tools (OpenAI HTTP) go back to the client; otherwise the gateway's own run here.
    if (!request.tools) await this.host.tools?.ready();
    if (run.controller.signal.aborted) return this.finishStopped(run);
    const config = this.host.config();
    const stored = this.host.sessions.get(request.target.key);
    // A model chosen with `sessions.patch` applies to the session's turns.
    const sessionModel = typeof stored?.fields.model === "string" ? { model: stored.fields.model } : undefined;
    const candidates = resolveCandidates(config, modelRefs(config, request.target.agentId, request.model ?? sessionModel));
    // The tool loop appends to this conversation; a caller's own context is not changed.
    const messages = request.context ? [...request.context] : this.context(stored, run);
    const toolset = request.tools ? undefined : toolsetFor(this.host.tools, config, request.target.agentId);
    // The first model request goes out before the commit below: the HTTP client works on its own
    // thread while SQLite syncs, which keeps the fsync off the time to first token (bench/chat-overhead).
    const first = this.open(run, candidates[0]!, messages, toolset);
    try {
      this.begin(run);
    } catch (error) {
      run.controller.abort(new RunStop("restart"));
      this.host.warn("agent run could not start", { runId: run.runId, error: String(error) });
      return this.finish(run, { status: "error", error: "session storage is unavailable", failure: "unknown" });
    }
    const timeoutMs = request.timeoutMs ?? (config.agents?.defaults?.timeoutSeconds ? config.agents.defaults.timeoutSeconds * 1000 : DEFAULT_RUN_TIMEOUT_MS);
    const timer = setTimeout(() => run.controller.abort(new RunStop("timeout")), timeoutMs);
    try {
      this.agentEvent(run, "run_status", { phase: "starting_model" });
      this.chatEvent(run, { state: "status", phase: "starting_model" });
      let previous: { candidate: ModelCandidate; error: ProviderError } | undefined;
      for (let i = 0; i < candidates.length; i++) {
        const candidate = candidates[i]!;
        this.agentEvent(run, "lifecycle", { phase: "model", provider: candidate.providerId, model: candidate.model });
        const where = { provider: candidate.providerId, model: candidate.model };
        try {
          let result = await this.attempt(run, i === 0 ? first : this.open(run, candidate, messages, toolset));
          if (previous) this.fallbackStep(run, previous.candidate, candidate, previous.error, i, "succeeded");
          while (toolset && result.toolCalls?.length) {
            const round = await runToolRound(this.toolLoopHost, run, toolset, result.toolCalls, messages, where);
            const stopped = run.controller.signal.aborted || round.stop !== undefined;
            // The next request goes out before the round's commit: a turn of the event loop lets the
            // HTTP client send it, so the fsync is not on the round trip (bench/tool-roundtrip).
            const next = stopped ? undefined : this.open(run, candidate, messages, toolset);
            if (next) await new Promise((resolve) => setTimeout(resolve, 0));
            this.recordRound(run, round.entries);
            if (run.controller.signal.aborted) return this.finishStopped(run, candidate);
            if (round.stop) return this.finish(run, { status: "error", error: round.stop, stopReason: "tool_calls", ...where });
            result = await this.attempt(run, next!);
          }
          return this.finish(run, { status: "ok", ...result, ...where });
        } catch (error) {
          if (run.controller.signal.aborted) return this.finishStopped(run, candidate);
          const failure = error instanceof ProviderError ? error : new ProviderError("unknown", String(error), { provider: candidate.providerId, model: candidate.model });
          // Every failed attempt is logged: the chat error alone does not say which endpoint failed or how.
          this.host.warn(`model request failed: ${userMessage(failure)}`, { runId: run.runId, provider: candidate.providerId, model: candidate.model, reason: failure.reason, status: failure.status, detail: failure.raw.slice(0, 300) });
          // Text already streamed and tools already run cannot be taken back, so only a failure before either falls back.
          const untouched = run.text === "" && run.toolRounds === 0;
          const next = untouched ? candidates[i + 1] : undefined;
          if (candidates.length > 1 && untouched) this.fallbackStep(run, candidate, next, failure, i + 1, next ? "next_fallback" : "chain_exhausted");
          if (!next) {
            return this.finish(run, {
              status: "error", error: userMessage(failure), failure: failure.reason, provider: candidate.providerId, model: candidate.model, httpStatus: failure.status, raw: failure.raw,
            });
          }
          previous = { candidate, error: failure };
        }
      }
    } finally {
      clearTimeout(timer);
    }
  }

  /** Starts one model attempt: the stream exists and its first chunk is already requested. */
  private open(run: Run, candidate: ModelCandidate, messages: TurnMessage[], toolset?: Toolset): Attempt {
    if (!candidate.provider) {
      const failed = Promise.reject(unknownModel(candidate));
      failed.catch(() => {});
      return { first: failed };
    }
    const purpose: TurnPurpose = run.request.kind === "heartbeat" ? "heartbeat" : run.request.kind === "cron" ? "cron" : "chat";
    const iterator = candidate.provider.stream({
      model: candidate.model, messages: [...messages], signal: run.controller.signal, purpose, sampling: run.request.sampling,
      tools: toolset?.definitions ?? run.request.tools, toolChoice: run.request.toolChoice,
    })[Symbol.asyncIterator]();
    const first = iterator.next();
    // attempt() reads it; a run that ends before that must not leave a rejection unhandled.
    first.catch(() => {});
    return { iterator, first };
  }

  /** Reads one attempt to its end; resolves with the turn's ending, throws on failure or abort. */
  private async attempt(run: Run, { iterator, first }: Attempt): Promise<{ stopReason?: string; usage?: TurnUsage; toolCalls?: ToolCall[] }> {
    let next = await first;
    try {
      while (!next.done) {
        const chunk = next.value;
        if (run.state === "ended") break;
        if (chunk.type === "done") return { stopReason: chunk.stopReason, usage: chunk.usage, toolCalls: chunk.toolCalls };
        this.delta(run, chunk.text);
        next = await iterator!.next();
      }
    } finally {
      // Leaving early closes the provider's stream and with it the upstream connection.
      if (!next.done) await iterator!.return?.();
    }
    if (run.controller.signal.aborted) throw run.controller.signal.reason;
    return { stopReason: "stop" };
  }

  /**
   * The run leaves the queue: its user turn, the session row and the run
   * record land in one commit (one fsync on the path to the first token),
   * then `lifecycle start` goes out.
   */
  private begin(run: Run): SessionRecord {
    const sessions = this.host.sessions;
    const session = sessions.store.transaction(() => {
      const current = sessions.ensure(run.request.target);
      if (run.request.kind !== "heartbeat") sessions.append(current, { role: "user", text: run.request.message, runId: run.runId });
      const saved = sessions.save({ ...current, status: "running", lastRunId: run.runId, lastRunError: undefined });
      sessions.store.putRun({ ...this.record(run, "running"), sessionId: saved.sessionId });
      return saved;
    });
    run.session = session;
    run.state = "running";
    this.agentEvent(run, "lifecycle", { phase: "start", startedAt: run.startedAt });
    return session;
  }

  /** Stored turns as model messages, then this run's own turn (a heartbeat's prompt, a multi-part turn, or the user's message). */
  private context(stored: SessionRecord | undefined, run: Run): TurnMessage[] {
    const { request } = run;
    const history: TurnMessage[] = stored ? historyContext(this.host.sessions.recent(stored, CONTEXT_MESSAGES - 1)) : [];
    if (request.turn) history.push(...request.turn);
    else history.push({ role: "user", content: request.message });
    return request.system ? [{ role: "system", content: request.system }, ...history] : history;
  }

  /** What the tool loop uses of the runs: its events and the live config. */
  private readonly toolLoopHost = {
    config: () => this.host.config(),
    agentEvent: (run: Run, data: Record<string, unknown>) => this.agentEvent(run, "tool", data),
  };

  /** Appends a round's entries in one commit, to the transcript the run started in (a reset or deleted session is not revived). */
  private recordRound(run: Run, entries: readonly RoundEntry[]): void {
    const sessions = this.host.sessions;
    const session = run.session;
    if (entries.length === 0 || !session) return;
    try {
      sessions.store.transaction(() => {
        if (sessions.get(session.key)?.sessionId !== session.sessionId) return;
        for (const entry of entries) sessions.append(session, { ...entry, runId: run.runId });
      });
    } catch (error) {
      this.host.warn("tool transcript entries not persisted", { runId: run.runId, error: String(error) });
    }
  }

  private delta(run: Run, text: string): void {
    run.text += text;
    this.agentEvent(run, "assistant", { text: run.text, delta: text });
    this.chatEvent(run, { state: "delta", deltaText: text, message: assistantMessage(run.text, this.host.now()) });
    run.publish({ type: "delta", text });
  }

  private fallbackStep(run: Run, from: ModelCandidate, to: ModelCandidate | undefined, error: ProviderError, position: number, outcome: "next_fallback" | "chain_exhausted" | "succeeded"): void {
    this.agentEvent(run, "lifecycle", {
      phase: "fallback_step",
      fallbackStepType: "fallback_step",
      fallbackStepFromModel: from.ref,
      ...(to ? { fallbackStepToModel: to.ref } : {}),
      fallbackStepFromFailureReason: error.reason,
      fallbackStepFromFailureDetail: error.raw.slice(0, 300),
      fallbackStepChainPosition: position,
      fallbackStepFinalOutcome: outcome,
    });
  }

  private finishStopped(run: Run, candidate?: ModelCandidate): void {
    const stop = run.controller.signal.reason;
    const where = candidate ? { provider: candidate.providerId, model: candidate.model } : {};
    if (stop instanceof RunStop && stop.stopReason === "timeout") {
      return this.finish(run, { status: "timeout", error: "LLM request timed out.", failure: "timeout", stopReason: "timeout", ...where });
    }
    this.finish(run, { status: "aborted", stopReason: stop instanceof RunStop ? stop.stopReason : "aborted", ...where });
  }

  /** Records the outcome, emits the terminal events and wakes everyone waiting. Runs once per run. */
  private finish(run: Run, end: Partial<RunOutcome> & { status: TerminalStatus; httpStatus?: number; raw?: string }): void {
    if (run.state === "ended") return;
    const { httpStatus, raw, ...rest } = end;
    const outcome: RunOutcome = {
      runId: run.runId,
      sessionKey: run.sessionKey,
      sessionId: run.session?.sessionId ?? "",
      agentId: run.request.target.agentId,
      text: run.text,
      startedAt: run.startedAt,
      endedAt: this.host.now(),
      ...rest,
    };
    const silent = run.hidden && SILENT_REPLIES.has(outcome.text.trim());
    try {
      this.host.sessions.store.transaction(() => this.persist(run, outcome, silent));
    } catch (error) {
      this.host.warn("agent run outcome not persisted", { runId: run.runId, error: String(error) });
    }
    this.terminalEvents(run, outcome, silent, { httpStatus, raw });
    this.active.delete(run.runId);
    this.finished.set(run.runId, outcome);
    run.settle(outcome);
    for (const w of this.waiters.get(run.runId) ?? []) w(outcome);
  }

  private persist(run: Run, outcome: RunOutcome, silent: boolean): void {
    const sessions = this.host.sessions;
    // Writes go only to the transcript the run started in: a reset or deleted session is not revived.
    let session = run.session ?? sessions.get(run.sessionKey);
    const current = session ? sessions.get(session.key) : undefined;
    if (!current || current.sessionId !== session!.sessionId) session = undefined;
    if (session && run.state === "queued" && run.request.kind !== "heartbeat") {
      // Stopped before its turn came: the user's message is still kept.
      sessions.append(session, { role: "user", text: run.request.message, runId: run.runId });
    }
    if (session && outcome.text && !silent) {
      const meta: Record<string, unknown> = {};
      if (outcome.stopReason) meta.stopReason = outcome.stopReason;
      if (outcome.provider) meta.provider = outcome.provider;
      if (outcome.model) meta.model = outcome.model;
      if (outcome.usage) meta.usage = outcome.usage;
      if (outcome.error) meta.errorMessage = outcome.error;
      if (run.hidden) meta.heartbeat = true;
      sessions.append(session, { role: "assistant", text: outcome.text, runId: run.runId, meta });
    }
    if (session && current) {
      const status = run.hidden && silent ? "done" : SESSION_STATUS[outcome.status];
      sessions.save({ ...current, status, lastRunId: run.runId, lastRunError: outcome.error });
    }
    sessions.store.putRun({ ...this.record(run, outcome.status), endedAt: outcome.endedAt, error: outcome.error });
  }

  private terminalEvents(run: Run, o: RunOutcome, silent: boolean, failure: { httpStatus?: number; raw?: string }): void {
    const base = { startedAt: o.startedAt, endedAt: o.endedAt };
    const partial = o.text && !silent ? { message: assistantMessage(o.text, o.endedAt) } : {};
    // A heartbeat with something to say appears in chat once, as a final message.
    const showChat = !run.hidden || !silent;
    switch (o.status) {
      case "ok":
        this.agentEvent(run, "lifecycle", { phase: "end", ...base, ...(o.stopReason ? { stopReason: o.stopReason } : {}) });
        if (showChat) this.chatEvent(run, { state: "final", ...partial, ...(o.stopReason && o.stopReason !== "stop" ? { stopReason: o.stopReason } : {}), ...(o.usage ? { usage: o.usage } : {}) }, true);
        return;
      case "aborted":
      case "interrupted":
        this.agentEvent(run, "lifecycle", { phase: "end", ...base, aborted: true, stopReason: o.stopReason });
        if (showChat) this.chatEvent(run, { state: "aborted", ...partial, stopReason: o.stopReason }, true);
        return;
      case "timeout":
      case "error": {
        const errorKind = o.failure ? chatErrorKind(o.failure) : undefined;
        this.agentEvent(run, "lifecycle", { phase: "error", ...base, error: o.error, ...(errorKind ? { errorKind } : {}) });
        if (showChat) {
          this.chatEvent(run, {
            state: "error",
            ...partial,
            errorMessage: o.error,
            ...(errorKind ? { errorKind } : {}),
            ...(o.failure && o.provider ? {
              errorDetail: {
                provider: o.provider,
                model: o.model,
                failoverReason: o.failure,
                ...(failure.httpStatus ? { httpStatus: failure.httpStatus } : {}),
                ...(failure.raw ? { providerErrorMessagePreview: failure.raw.slice(0, 300) } : {}),
              },
            } : {}),
          }, true);
        }
      }
    }
  }

  private agentEvent(run: Run, stream: string, data: Record<string, unknown>): void {
    run.seq++;
    this.host.emit("agent", {
      runId: run.runId,
      seq: run.seq,
      stream,
      ts: this.host.now(),
      data,
      sessionKey: run.sessionKey,
      ...(run.hidden ? { isHeartbeat: true } : {}),
    });
  }

  /** Chat events carry the seq of the agent event they mirror (upstream does the same). */
  private chatEvent(run: Run, body: Record<string, unknown>, terminal = false): void {
    if (run.hidden && !terminal) return;
    this.host.emit("chat", { runId: run.runId, sessionKey: run.sessionKey, seq: run.seq, ...body });
  }

  private record(run: Run, status: RunStatus): RunRecord {
    return {
      runId: run.runId,
      sessionKey: run.sessionKey,
      sessionId: run.session?.sessionId ?? "",
      agentId: run.request.target.agentId,
      kind: run.request.kind,
      status,
      startedAt: run.startedAt,
    };
  }

  private storedTerminal(runId: string): RunRecord | undefined {
    const record = this.host.sessions.store.getRun(runId);
    return record && record.status !== "running" ? record : undefined;
  }
}

const SESSION_STATUS: Record<TerminalStatus, NonNullable<SessionRecord["status"]>> = {
  ok: "done",
  error: "failed",
  aborted: "killed",
  interrupted: "killed",
  timeout: "timeout",
};

/** The assistant message of chat events: the whole reply so far. */
export function assistantMessage(text: string, timestamp: number): ChatMessage {
  return { role: "assistant", content: [{ type: "text", text }], timestamp };
}
