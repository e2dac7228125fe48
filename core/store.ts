/**
 * Durable state behind an interface: core decides what is stored, and its
 * SQL store (storage/sql-store.ts) how, over the SQLite binding the shim
 * provides. Calls are synchronous because the embedded databases are; each
 * mutating call is durable when it returns.
 * Runtime-agnostic.
 */
import type { CronJob, CronRunEntry } from "./scheduler/types.ts";

/** A device the owner (or a silent local rule) approved (§4.4). */
export interface PairedDevice {
  deviceId: string;
  publicKey: string;
  displayName?: string;
  /** Owner-side label from `device.pair.rename`; survives re-approval. */
  operatorLabel?: string;
  platform?: string;
  deviceFamily?: string;
  clientId: string;
  clientMode: string;
  remoteIp?: string;
  roles: string[];
  scopes: string[];
  approvedVia: "silent" | "owner";
  approvedAtMs: number;
}

/** A pairing request awaiting the owner (§4.4, §6 `device.pair.list`). */
export interface PendingPairing {
  requestId: string;
  deviceId: string;
  publicKey: string;
  displayName?: string;
  platform?: string;
  deviceFamily?: string;
  clientId: string;
  clientMode: string;
  role: string;
  roles: string[];
  scopes: string[];
  remoteIp?: string;
  silent: boolean;
  isRepair: boolean;
  reason: "not-paired" | "role-upgrade" | "scope-upgrade" | "metadata-upgrade";
  ts: number;
  /** Last identical retry; the request expires five minutes after this (§4.4). */
  refreshedAtMs?: number;
}

/** A device token, kept only as a hash (§4.3). */
export interface DeviceTokenRecord {
  deviceId: string;
  role: string;
  tokenHash: string;
  scopes: string[];
  createdAtMs: number;
}

/** What the device registry needs from storage. */
export interface DeviceStore {
  getPaired(deviceId: string): PairedDevice | undefined;
  listPaired(): PairedDevice[];
  putPaired(device: PairedDevice): void;
  deletePaired(deviceId: string): boolean;
  getPending(requestId: string): PendingPairing | undefined;
  listPending(): PendingPairing[];
  putPending(request: PendingPairing): void;
  deletePending(requestId: string): boolean;
  getToken(deviceId: string, role: string): DeviceTokenRecord | undefined;
  listTokens(deviceId: string): DeviceTokenRecord[];
  putToken(record: DeviceTokenRecord): void;
  deleteToken(deviceId: string, role: string): boolean;
  /** Runs `fn` atomically: all of its writes land, or none. */
  transaction<T>(fn: () => T): T;
}

/** An unknown chat sender waiting for the owner to approve its DM pairing code. */
export interface SenderPairingRequest {
  channel: string;
  accountId: string;
  senderId: string;
  /** Short human code from an unambiguous alphabet, unique within the channel. */
  code: string;
  /** Opaque id for approving without the code (`channels.pairing.*`). */
  requestId: string;
  createdAtMs: number;
  lastSeenAtMs: number;
  meta?: Record<string, string>;
}

/** What sender (DM) pairing needs from storage: pending codes and each channel account's allowlist. */
export interface SenderPairingStore {
  /** Pending requests, of one channel or all, oldest first. */
  listSenderRequests(channel?: string): SenderPairingRequest[];
  getSenderRequestByCode(channel: string, code: string): SenderPairingRequest | undefined;
  getSenderRequestById(requestId: string): SenderPairingRequest | undefined;
  /** Inserts or replaces the request of (channel, accountId, senderId). */
  putSenderRequest(request: SenderPairingRequest): void;
  deleteSenderRequest(channel: string, accountId: string, senderId: string): boolean;
  /** Approved senders (`allowFrom`) of one channel account. */
  listAllowFrom(channel: string, accountId: string): string[];
  /** Adds a sender; false when it was already there. */
  addAllowFrom(channel: string, accountId: string, senderId: string, approvedAtMs: number): boolean;
  /** Runs `fn` atomically: all of its writes land, or none. */
  transaction<T>(fn: () => T): T;
}

/** The command surface a node had approved, keyed by its device id (§8 node pairing). */
export interface PairedNode {
  nodeId: string;
  clientId: string;
  clientMode: string;
  displayName?: string;
  platform?: string;
  deviceFamily?: string;
  version?: string;
  modelIdentifier?: string;
  caps: string[];
  commands: string[];
  permissions?: Record<string, boolean>;
  remoteIp?: string;
  createdAtMs: number;
  approvedAtMs: number;
  lastConnectedAtMs?: number;
  lastDisconnectedAtMs?: number;
  lastSeenAtMs?: number;
  lastSeenReason?: string;
  lastHostStats?: Record<string, unknown>;
}

/** A node's declared surface awaiting approval; at most one per node, no expiry (§8). */
export interface PendingNodePairing {
  requestId: string;
  nodeId: string;
  clientId: string;
  clientMode: string;
  displayName?: string;
  platform: string;
  version: string;
  deviceFamily?: string;
  modelIdentifier?: string;
  caps: string[];
  commands: string[];
  permissions?: Record<string, boolean>;
  remoteIp?: string;
  silent?: boolean;
  ts: number;
}

/** What node pairing needs from storage. */
export interface NodeStore {
  getNode(nodeId: string): PairedNode | undefined;
  listNodes(): PairedNode[];
  putNode(node: PairedNode): void;
  deleteNode(nodeId: string): boolean;
  getNodePending(nodeId: string): PendingNodePairing | undefined;
  listNodePending(): PendingNodePairing[];
  /** Replaces the node's pending request, if it had one. */
  putNodePending(request: PendingNodePairing): void;
  deleteNodePending(nodeId: string): boolean;
  /** Runs `fn` atomically: all of its writes land, or none. */
  transaction<T>(fn: () => T): T;
}

/**
 * One conversation (§6 `sessions.*`). `key` is canonical (`agent:<agentId>:<rest>`);
 * `sessionId` names the current transcript and changes on reset.
 */
export interface SessionRecord {
  key: string;
  agentId: string;
  sessionId: string;
  createdAt: number;
  updatedAt: number;
  /** Fields set through `sessions.patch` (label, pinned, model, …), kept as given. */
  fields: Record<string, unknown>;
  status?: "running" | "done" | "failed" | "killed" | "timeout";
  lastRunId?: string;
  lastRunError?: string;
}

/** One transcript entry; `seq` is 1, 2, 3, … within its transcript. */
export interface TranscriptMessage {
  sessionId: string;
  seq: number;
  id: string;
  /** `toolResult`: the answer to one tool call of the assistant turn before it. */
  role: "user" | "assistant" | "toolResult";
  text: string;
  ts: number;
  runId?: string;
  /** stopReason, provider, model, usage, errorMessage of assistant turns. */
  meta?: Record<string, unknown>;
  /** The tool calls an assistant turn made (`arguments` as the model sent them). */
  toolCalls?: { id: string; name: string; arguments: string }[];
  /** The call a toolResult answers, the tool's name and whether it failed. */
  toolCallId?: string;
  toolName?: string;
  isError?: boolean;
}

export type RunStatus = "running" | "ok" | "error" | "aborted" | "timeout" | "interrupted";

/** An agent run as it is known after a restart. */
export interface RunRecord {
  runId: string;
  sessionKey: string;
  sessionId: string;
  agentId: string;
  kind: string;
  status: RunStatus;
  startedAt: number;
  endedAt?: number;
  error?: string;
}

/** What sessions, transcripts and runs need from storage. */
export interface SessionStore {
  getSession(key: string): SessionRecord | undefined;
  listSessions(): SessionRecord[];
  putSession(session: SessionRecord): void;
  deleteSession(key: string): boolean;
  /** Appends `message`; its seq must be the transcript's last seq + 1. */
  appendMessage(message: TranscriptMessage): void;
  /** Up to `limit` messages with afterSeq < seq < beforeSeq, the newest ones, oldest first. */
  readMessages(sessionId: string, range: { afterSeq?: number; beforeSeq?: number; limit: number }): TranscriptMessage[];
  /** Highest seq of a transcript, 0 when empty. */
  lastMessageSeq(sessionId: string): number;
  /** Messages of the given transcripts written from `startMs` to `endMs` (inclusive), oldest first (usage reports). */
  messagesBetween(sessionIds: readonly string[], startMs: number, endMs: number): TranscriptMessage[];
  deleteTranscript(sessionId: string): number;
  putRun(run: RunRecord): void;
  getRun(runId: string): RunRecord | undefined;
  listRuns(status: RunStatus): RunRecord[];
  /** Runs `fn` atomically: all of its writes land, or none. */
  transaction<T>(fn: () => T): T;
}

/** What the scheduler needs from storage: cron jobs, their run log, small named state. */
export interface SchedulerStore {
  listCronJobs(): CronJob[];
  putCronJob(job: CronJob): void;
  deleteCronJob(id: string): boolean;
  /** Logs a finished run and drops the job's entries beyond its newest `keep`. */
  appendCronRun(entry: CronRunEntry, keep: number): void;
  /** Newest first, filtered by job and/or run id. */
  listCronRuns(query: { jobId?: string; runId?: string; limit: number; offset: number }): { entries: CronRunEntry[]; total: number };
  getSchedulerState(key: string): string | undefined;
  putSchedulerState(key: string, value: string): void;
}

/** A stored inbound chat message and where it is in the pipeline. */
export interface ChannelInboundRecord {
  channel: string;
  accountId: string;
  /** The adapter's stable id (InboundMessage.id). */
  id: string;
  /** queued: not yet answered; done: answered (its replies are in the outbox) or refused by policy. */
  state: "queued" | "done";
  receivedAtMs: number;
  /** The normalized message (channels/contract.ts InboundMessage). */
  message: Record<string, unknown> & { senderId: string; chatId: string };
  /** Why it was not handed to the agent (policy, pairing, flood). */
  outcome?: string;
}

/** One outbound chunk waiting for (or done with) delivery. */
export interface ChannelOutboxRecord {
  /** Assigned by the store, in insertion order. */
  seq: number;
  channel: string;
  accountId: string;
  /** Unique per channel: a repeated `send` idempotencyKey, or `<inbound id>:<chunk>` for replies. */
  key: string;
  state: "pending" | "sent" | "failed";
  to: string;
  text: string;
  replyToId?: string;
  threadId?: string;
  createdAtMs: number;
  sentAtMs?: number;
  messageId?: string;
  error?: string;
}

/** What channels need from storage: inbound messages, the outbox, and each account's receive cursor. */
export interface ChannelStore {
  /** Inserts unless (channel, accountId, id) is stored already; true when new. */
  insertInbound(record: ChannelInboundRecord): boolean;
  getInbound(channel: string, accountId: string, id: string): ChannelInboundRecord | undefined;
  /** Queued messages of every account, oldest first. */
  listQueuedInbound(): ChannelInboundRecord[];
  /** Queued messages from one sender of one account. */
  countQueuedFrom(channel: string, accountId: string, senderId: string): number;
  finishInbound(channel: string, accountId: string, id: string, outcome: string): void;
  getCursor(channel: string, accountId: string): string | undefined;
  putCursor(channel: string, accountId: string, cursor: string): void;
  /** Inserts unless `key` is taken in the channel; returns the stored row either way. */
  enqueueOutbox(record: Omit<ChannelOutboxRecord, "seq">): ChannelOutboxRecord;
  getOutbox(channel: string, key: string): ChannelOutboxRecord | undefined;
  /** Pending chunks of every account, oldest first. */
  listPendingOutbox(): ChannelOutboxRecord[];
  settleOutbox(seq: number, result: { state: "sent" | "failed"; atMs: number; messageId?: string; error?: string }): void;
  /** Whether the account delivered a chunk the service knows by `messageId`. */
  sentMessage(channel: string, accountId: string, messageId: string): boolean;
  /** Runs `fn` atomically: all of its writes land, or none. */
  transaction<T>(fn: () => T): T;
}

/** An exec approval decision (`exec.approval.resolve`). */
export type ApprovalDecision = "allow-once" | "allow-always" | "deny";

/** One exec approval request: pending until decided or expired, then kept as history. */
export interface ExecApprovalRecord {
  id: string;
  /** The request as operators see it (`exec.approval.requested`'s `request`). */
  request: Record<string, unknown>;
  createdAtMs: number;
  expiresAtMs: number;
  status: "pending" | "resolved" | "expired";
  decision?: ApprovalDecision;
  resolvedBy?: string | null;
  /** Who decided: a paired device, or a client (runtime) by its client id (upstream's resolver). */
  resolver?: { kind: "device" | "runtime"; id: string | null };
  resolvedAtMs?: number;
  /** Why an expired request ended (`timeout`, `no-approval-route`, `run-aborted`, `gateway-restart`). */
  terminalReason?: string;
  /** Raised by the gateway's own exec tool for an agent run (which no restart survives). */
  fromRun?: boolean;
}

/** What exec approvals need from storage: the requests and the host approvals document. */
export interface ApprovalStore {
  getApproval(id: string): ExecApprovalRecord | undefined;
  /** Records in one status, oldest first. */
  listApprovals(status: ExecApprovalRecord["status"]): ExecApprovalRecord[];
  putApproval(record: ExecApprovalRecord): void;
  /** Drops decided or expired records created before `ms`; returns how many. */
  pruneApprovals(ms: number): number;
  /** The approvals document as stored (its exact text is what its hash covers), or undefined. */
  getApprovalsDocument(): string | undefined;
  putApprovalsDocument(raw: string): void;
  /** Runs `fn` atomically: all of its writes land, or none. */
  transaction<T>(fn: () => T): T;
}
