/**
 * What core's SQL store must do over any driver: the schema and its
 * migrations, transactions with savepoints, the statement cache, and the
 * queries whose parameters repeat. One list, run by bun:test over bun:sqlite
 * (sql-store.test.ts) and by deno test over node:sqlite
 * (test/deno/storage.deno.ts). Web APIs and ./assert only.
 */
import type { CronRunEntry } from "../../../core/scheduler/types.ts";
import type { SqlDriver } from "../../../core/storage/driver.ts";
import { MIGRATIONS } from "../../../core/storage/migrations.ts";
import { SqlStore } from "../../../core/storage/sql-store.ts";
import type { PairedDevice } from "../../../core/store.ts";
import * as assert from "../../deno/assert.ts";

export interface StoreCase {
  name: string;
  /** `open` returns a fresh, empty in-memory connection. */
  run(open: () => SqlDriver): void;
}

function device(deviceId: string): PairedDevice {
  return { deviceId, publicKey: `pk-${deviceId}`, clientId: "cli", clientMode: "cli", roles: ["operator"], scopes: ["operator.read"], approvedVia: "owner", approvedAtMs: 1 };
}

function userVersion(driver: SqlDriver): number {
  return (driver.prepare("PRAGMA user_version").get() as { user_version: number }).user_version;
}

function tables(driver: SqlDriver): string[] {
  return (driver.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as { name: string }[]).map((r) => r.name);
}

function cronRun(jobId: string, runId: string, ts: number): CronRunEntry {
  return { ts, jobId, action: "finished", status: "ok", runId, runAtMs: ts, durationMs: 1, deliveryStatus: "not-requested" };
}

export const STORE_CASES: StoreCase[] = [
  {
    name: "empty database -> every migration applied, user_version = their count",
    run(open) {
      const driver = open();
      new SqlStore(driver);
      assert.equal(userVersion(driver), MIGRATIONS.length);
      assert.equal(tables(driver), ["agent_runs", "channel_cursors", "channel_inbound", "channel_outbox", "cron_jobs", "cron_runs", "device_tokens", "exec_approvals", "exec_approvals_config", "paired_devices", "paired_nodes", "pending_node_pairings", "pending_pairings", "scheduler_state", "sender_allow_from", "sender_pairing_requests", "sessions", "transcript_messages"]);
    },
  },
  {
    name: "v1 database with a paired device -> migrated to the newest schema, the device kept",
    run(open) {
      const driver = open();
      driver.exec(MIGRATIONS[0]!);
      driver.exec("PRAGMA user_version = 1");
      driver.prepare("INSERT INTO paired_devices (device_id, record) VALUES (?, ?)").run("d1", JSON.stringify(device("d1")));
      const store = new SqlStore(driver);
      assert.equal(userVersion(driver), MIGRATIONS.length);
      assert.equal(store.getPaired("d1"), device("d1"));
      assert.equal(store.listSessions(), []);
    },
  },
  {
    name: "database from a newer clawgate -> refused, schema untouched",
    run(open) {
      const driver = open();
      driver.exec(`PRAGMA user_version = ${MIGRATIONS.length + 1}`);
      assert.throws(() => new SqlStore(driver), new RegExp(`schema v${MIGRATIONS.length + 1} is newer than this clawgate understands \\(v${MIGRATIONS.length}\\)`));
      assert.equal(tables(driver), []);
    },
  },
  {
    name: "transaction: a throw undoes every write; a nested throw undoes only the inner ones",
    run(open) {
      const store = new SqlStore(open());
      assert.throws(() => store.transaction(() => {
        store.putPaired(device("a"));
        throw new Error("outer fails");
      }), /outer fails/);
      assert.equal(store.listPaired(), []);
      const result = store.transaction(() => {
        store.putPaired(device("b"));
        assert.throws(() => store.transaction(() => {
          store.putPaired(device("c"));
          throw new Error("inner fails");
        }), /inner fails/);
        store.transaction(() => store.putPaired(device("d")));
        return "done";
      });
      assert.equal(result, "done");
      assert.equal(store.listPaired().map((d) => d.deviceId), ["b", "d"]);
      // Still usable afterwards: no transaction was left open.
      store.putPaired(device("e"));
      assert.equal(store.listPaired().length, 3);
    },
  },
  {
    name: "each distinct statement is prepared once per connection",
    run(open) {
      const driver = open();
      const prepared: string[] = [];
      const counting: SqlDriver = { exec: (sql) => driver.exec(sql), prepare: (sql) => (prepared.push(sql), driver.prepare(sql)), close: () => driver.close() };
      const store = new SqlStore(counting);
      prepared.length = 0;
      for (let i = 0; i < 3; i++) {
        store.putPaired(device(`d${i}`));
        store.getPaired(`d${i}`);
      }
      assert.equal(prepared.length, 2);
    },
  },
  {
    name: "cron run log: repeated parameters filter by job and run; each job keeps its newest entries",
    run(open) {
      const store = new SqlStore(open());
      for (let i = 1; i <= 5; i++) store.appendCronRun(cronRun("job-a", `a${i}`, i), 3);
      store.appendCronRun(cronRun("job-b", "b1", 10), 3);
      assert.equal(store.listCronRuns({ limit: 10, offset: 0 }).entries.map((e) => e.runId), ["b1", "a5", "a4", "a3"]);
      assert.equal(store.listCronRuns({ jobId: "job-a", limit: 2, offset: 1 }), { entries: [cronRun("job-a", "a4", 4), cronRun("job-a", "a3", 3)], total: 3 });
      assert.equal(store.listCronRuns({ runId: "b1", limit: 10, offset: 0 }).total, 1);
      assert.equal(store.listCronRuns({ jobId: "job-a", runId: "b1", limit: 10, offset: 0 }).total, 0);
    },
  },
  {
    name: "transcripts page newest-first below beforeSeq; a taken seq is refused; deletes report counts",
    run(open) {
      const store = new SqlStore(open());
      for (let seq = 1; seq <= 5; seq++) store.appendMessage({ sessionId: "s", seq, id: `m${seq}`, role: "user", text: `t${seq}`, ts: seq });
      assert.equal(store.readMessages("s", { limit: 2 }).map((m) => m.seq), [4, 5]);
      assert.equal(store.readMessages("s", { beforeSeq: 4, afterSeq: 1, limit: 10 }).map((m) => m.seq), [2, 3]);
      assert.equal(store.lastMessageSeq("s"), 5);
      assert.equal(store.lastMessageSeq("none"), 0);
      assert.throws(() => store.appendMessage({ sessionId: "s", seq: 3, id: "dup", role: "user", text: "x", ts: 9 }), /UNIQUE|constraint/i);
      assert.equal(store.deleteTranscript("s"), 5);
      assert.equal(store.deletePaired("nobody"), false);
    },
  },
  {
    name: "device tokens, sender pairing and scheduler state round-trip",
    run(open) {
      const store = new SqlStore(open());
      store.putToken({ deviceId: "d", role: "operator", tokenHash: "h", scopes: ["operator.read"], createdAtMs: 5 });
      assert.equal(store.getToken("d", "operator"), { deviceId: "d", role: "operator", tokenHash: "h", scopes: ["operator.read"], createdAtMs: 5 });
      assert.equal(store.getToken("d", "node"), undefined);
      assert.equal(store.addAllowFrom("tg", "acct", "u1", 1), true);
      assert.equal(store.addAllowFrom("tg", "acct", "u1", 2), false);
      assert.equal(store.listAllowFrom("tg", "acct"), ["u1"]);
      store.putSchedulerState("heartbeat", "x");
      store.putSchedulerState("heartbeat", "y");
      assert.equal(store.getSchedulerState("heartbeat"), "y");
      assert.equal(store.getSchedulerState("other"), undefined);
    },
  },
  {
    name: "channel inbound: a redelivered id is ignored; queued counts per sender; the outbox keeps one row per key in order",
    run(open) {
      const store = new SqlStore(open());
      const inbound = (id: string, senderId: string) => ({ channel: "telegram", accountId: "default", id, state: "queued" as const, receivedAtMs: Number(id), message: { senderId, chatId: senderId, text: id } });
      assert.equal(store.insertInbound(inbound("1", "a")), true);
      assert.equal(store.insertInbound({ ...inbound("1", "a"), message: { senderId: "a", chatId: "a", text: "changed" } }), false);
      store.insertInbound(inbound("2", "a"));
      store.insertInbound(inbound("3", "b"));
      assert.equal(store.countQueuedFrom("telegram", "default", "a"), 2);
      store.finishInbound("telegram", "default", "1", "replied");
      assert.equal(store.countQueuedFrom("telegram", "default", "a"), 1);
      assert.equal(store.listQueuedInbound().map((r) => r.id), ["2", "3"]);
      assert.equal(store.getInbound("telegram", "default", "1")?.outcome, "replied");
      assert.equal(store.getInbound("telegram", "default", "1")?.message.text, "1");
      store.putCursor("telegram", "default", "10");
      store.putCursor("telegram", "default", "11");
      assert.equal(store.getCursor("telegram", "default"), "11");
      const row = (key: string, text: string) => ({ channel: "telegram", accountId: "default", key, state: "pending" as const, to: "a", text, createdAtMs: 1 });
      const first = store.enqueueOutbox(row("k1", "one"));
      assert.equal(store.enqueueOutbox(row("k1", "again")), first);
      const second = store.enqueueOutbox(row("k2", "two"));
      assert.equal(store.listPendingOutbox().map((r) => r.text), ["one", "two"]);
      store.settleOutbox(first.seq, { state: "sent", atMs: 5, messageId: "m1" });
      store.settleOutbox(second.seq, { state: "failed", atMs: 6, error: "chat not found" });
      assert.equal(store.listPendingOutbox(), []);
      assert.equal(store.getOutbox("telegram", "k1")?.messageId, "m1");
      assert.equal(store.getOutbox("telegram", "k2")?.error, "chat not found");
    },
  },
  {
    name: "outbox message ids: an account knows what it delivered (not another account's, not a failed send); older databases are backfilled",
    run(open) {
      const driver = open();
      // The schema before message ids were indexed, with one delivered chunk in it.
      const before = MIGRATIONS.findIndex((m) => m.includes("channel_outbox_message"));
      for (const m of MIGRATIONS.slice(0, before)) driver.exec(m);
      driver.exec(`PRAGMA user_version = ${before}`);
      const old = { channel: "whatsapp", accountId: "default", key: "reply:old", state: "sent", to: "a", text: "t", createdAtMs: 1, sentAtMs: 2, messageId: "OLD1" };
      driver.prepare("INSERT INTO channel_outbox (channel, key, state, record) VALUES (?, ?, ?, ?)").run("whatsapp", "reply:old", "sent", JSON.stringify(old));
      const store = new SqlStore(driver);
      assert.equal(store.sentMessage("whatsapp", "default", "OLD1"), true);
      const row = (key: string, accountId: string) => store.enqueueOutbox({ channel: "whatsapp", accountId, key, state: "pending", to: "a", text: key, createdAtMs: 3 });
      store.settleOutbox(row("k1", "default").seq, { state: "sent", atMs: 4, messageId: "NEW1" });
      store.settleOutbox(row("k2", "work").seq, { state: "sent", atMs: 4, messageId: "NEW2" });
      store.settleOutbox(row("k3", "default").seq, { state: "failed", atMs: 4, error: "refused" });
      assert.equal(store.sentMessage("whatsapp", "default", "NEW1"), true);
      assert.equal(store.sentMessage("whatsapp", "default", "NEW2"), false);
      assert.equal(store.sentMessage("whatsapp", "work", "NEW2"), true);
      assert.equal(store.sentMessage("telegram", "default", "NEW1"), false);
      assert.equal(store.sentMessage("whatsapp", "default", "NONE"), false);
    },
  },
];
