/**
 * Durability of pairing approvals (issue 3): a child gateway approves device
 * pairings in a burst and is killed with SIGKILL mid-burst. After a restart
 * on the same files every approval that was acknowledged is there, every
 * unacknowledged one was applied whole or not at all, and SQLite's
 * integrity check passes.
 */
import { afterAll, expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { databasePath } from "../../runtime-bun/sqlite-store.ts";
import { spawnGatewayOn, type ChildGateway } from "../harness/process.ts";
import { newDevice, requestPairing } from "../harness/device.ts";
import { connected, connectParams, type RawSocket } from "../harness/raw-socket.ts";

const TOKEN = "crash-test-token-0123456789abcdef";
const WORKERS = 8;
/** Acknowledged approvals to wait for before the kill; requests keep flowing while it lands. */
const KILL_AFTER_ACKS = 20;

const stateDir = mkdtempSync(join(tmpdir(), "clawgate-crash-"));
const children: ChildGateway[] = [];
afterAll(() => {
  for (const c of children) c.proc.kill("SIGKILL");
  rmSync(stateDir, { recursive: true, force: true });
});

test("SIGKILL mid-burst: every acknowledged approval survives the restart, none is half-applied, integrity_check ok", async () => {
  writeFileSync(join(stateDir, "openclaw.json"), JSON.stringify({ gateway: { mode: "local", bind: "loopback", auth: { mode: "token", token: TOKEN } } }), { mode: 0o600 });
  const first = await spawnGatewayOn(stateDir);
  children.push(first);
  const { sock: operator } = await connected(first.url, connectParams({ auth: { token: TOKEN } }));

  const acked = new Map<string, string>(); // requestId -> deviceId
  const sent = new Map<string, string>();
  let killed = false;
  let nextId = 0;

  /** Sends one approve on the operator socket; resolves when acknowledged, never if the gateway died first. */
  const approve = (sockOp: RawSocket, requestId: string, deviceId: string) =>
    new Promise<void>((resolve, reject) => {
      const id = `a${nextId++}`;
      sent.set(requestId, deviceId);
      sockOp.send({ type: "req", id, method: "device.pair.approve", params: { requestId } });
      sockOp.until(() => sockOp.frames.some((f) => f.id === id), 10_000).then(() => {
        const res = sockOp.frames.find((f) => f.id === id)!;
        if (!res.ok) return reject(new Error(JSON.stringify(res.error)));
        acked.set(requestId, deviceId);
        resolve();
      }, () => undefined);
    });

  // Each worker: a new device asks to pair (never silent: browser Origin), the operator approves; repeat until the kill.
  const worker = async () => {
    while (!killed) {
      const device = newDevice();
      let requestId: string;
      try {
        requestId = await requestPairing(first.url, device, { token: TOKEN, scopes: ["operator.read"] });
      } catch {
        return; // the gateway is gone
      }
      void approve(operator, requestId, device.identity.deviceId);
      if (acked.size >= KILL_AFTER_ACKS && !killed) {
        killed = true;
        first.proc.kill("SIGKILL");
      }
    }
  };
  await Promise.all(Array.from({ length: WORKERS }, worker));
  expect(await first.proc.exited).not.toBe(0);
  expect(first.proc.signalCode).toBe("SIGKILL");
  const ackedAtKill = new Map(acked);
  // Mid-burst: approvals were in flight when the process died.
  expect(sent.size).toBeGreaterThan(ackedAtKill.size);
  expect(ackedAtKill.size).toBeGreaterThanOrEqual(KILL_AFTER_ACKS);

  // Restart on the same files.
  const second = await spawnGatewayOn(stateDir);
  children.push(second);
  const { sock: after } = await connected(second.url, connectParams({ auth: { token: TOKEN } }));
  const list = (await after.request("device.pair.list", {})).payload as { pending: { requestId: string; deviceId: string }[]; paired: { deviceId: string }[] };
  after.close();
  const paired = new Set(list.paired.map((d) => d.deviceId));
  const pending = new Set(list.pending.map((p) => p.requestId));

  for (const [requestId, deviceId] of ackedAtKill) {
    expect(paired.has(deviceId)).toBe(true);
    expect(pending.has(requestId)).toBe(false);
  }
  // Unacknowledged approvals landed whole or not at all: paired XOR still pending.
  for (const [requestId, deviceId] of sent) {
    if (ackedAtKill.has(requestId)) continue;
    expect(paired.has(deviceId) !== pending.has(requestId)).toBe(true);
  }

  const db = new Database(databasePath(stateDir), { readonly: true });
  try {
    expect(db.query("PRAGMA integrity_check").all()).toEqual([{ integrity_check: "ok" }]);
  } finally {
    db.close();
  }
  second.proc.kill("SIGTERM");
  expect(await second.proc.exited).toBe(0);
}, 60_000);
