/**
 * Switching from OpenClaw without re-pairing (issue 18). The real
 * openclaw@2026.9.6 gateway pairs a device of the real reference client, a
 * chat sender is approved with upstream's own `openclaw pairing approve`
 * (its pending request filed through upstream's plugin-SDK store API, as a
 * channel files one) and a cron job is added over its RPC; the gateway stops.
 * `clawgate import openclaw` then brings that state over, a clawgate gateway
 * on the same state dir admits the same device identity with the token it
 * already holds, the sender is approved there, a second import writes
 * nothing, and upstream's files stay byte-identical. Bad upstream stores
 * (missing, not a database, damaged, newer or older schema, a missing table,
 * a column that does not parse) are refused with clawgate's database unchanged.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { databasePath } from "../../runtime-bun/sqlite-store.ts";
import { skipWithout } from "../harness/capability.ts";
import { dumpDatabase } from "../harness/db-dump.ts";
import { newDevice, type TestDevice } from "../harness/device.ts";
import { startTestGateway } from "../harness/gateway.ts";
import { OPENCLAW_PACKAGE_DIR, openclaw, openclawCliAvailable, runOpenClawScript, SKIP_MESSAGE, startOpenClawGateway } from "../harness/openclaw-cli.ts";
import { childEnv, configPort, runCli, spawnGateway } from "../harness/process.ts";
import { connectClient } from "../harness/reference-client.ts";
import { runtimeCommand } from "../harness/runtimes.ts";

const TOKEN = "import-test-token-0123456789abcdef";
const SENDER = "424242";
/**
 * Everything before the import: one upstream start, pairing, a cron job, a sender approved by upstream's CLI.
 * About 40 s on an idle 2-core box; an upstream start alone took over 2 minutes with the box loaded to 16.
 */
const SETUP_TIMEOUT_MS = 600_000;
/** Each test below runs the CLI a few times; one run took up to 5 s on the loaded box. */
const CLI_TIMEOUT_MS = 60_000;

/** sha256 of every file under `dir`, by relative path. */
function fingerprint(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path);
      else out[relative(dir, path)] = createHash("sha256").update(readFileSync(path)).digest("hex");
    }
  };
  walk(dir);
  return out;
}

/** A node host offering one command, with its device identity. */
const nodeHost = (device: TestDevice, url: string, extra: Record<string, unknown> = {}) => ({
  url, role: "node", scopes: [], clientName: "node-host" as const, mode: "node" as const, clientDisplayName: "Pi", platform: "linux", caps: ["system"], commands: ["system.notify"], deviceIdentity: device.identity, hostDeps: device.hostDeps, ...extra,
});

const laptop = (device: TestDevice, url: string, extra: Record<string, unknown> = {}) => ({
  url, clientName: "openclaw-linux" as const, mode: "ui" as const, clientDisplayName: "Test Laptop", platform: "linux", deviceIdentity: device.identity, hostDeps: device.hostDeps, ...extra,
});

describe.skipIf(skipWithout(openclawCliAvailable(), "import from the real openclaw gateway", SKIP_MESSAGE))("clawgate import openclaw", () => {
  let home: string;
  let stateDir: string;
  let scratch: string;
  const device = newDevice();
  const node = newDevice();
  let upstreamToken: string;
  let cronJobId: string;
  let upstreamFiles: Record<string, string>;
  let whileRunning: { code: number; stdout: string; stderr: string };

  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), "clawgate-import-home-"));
    scratch = mkdtempSync(join(tmpdir(), "clawgate-import-scratch-"));
    stateDir = join(home, ".openclaw");
    mkdirSync(stateDir, { mode: 0o700 });
    const port = await configPort();
    writeFileSync(join(stateDir, "openclaw.json"), JSON.stringify({ gateway: { mode: "local", port, auth: { mode: "token", token: TOKEN } } }), { mode: 0o600 });
    const upstream = await startOpenClawGateway(home, port);
    try {
      // A UI device on loopback is approved silently and gets its device token in hello-ok.
      const paired = await connectClient(laptop(device, upstream.url, { token: TOKEN }));
      paired.client.stop();
      upstreamToken = paired.hello.auth.deviceToken;
      expect(upstreamToken).toBeString();
      expect(device.tokens.get("operator")?.token).toBe(upstreamToken);

      const operator = await connectClient({ url: upstream.url, token: TOKEN });
      const job = await operator.client.request<any>("cron.add", { name: "morning", schedule: { kind: "cron", expr: "0 7 * * *", tz: "UTC" }, sessionTarget: "main", wakeMode: "now", payload: { kind: "systemEvent", text: "good morning" } });
      // A node on loopback is paired silently; its command surface waits for the operator's approval.
      (await connectClient(nodeHost(node, upstream.url, { token: TOKEN }))).client.stop();
      expect(node.tokens.get("node")?.token).toBeString();
      let surface: { requestId: string } | undefined;
      while (!surface) {
        const nodes = await operator.client.request<any>("node.pair.list", {});
        surface = nodes.pending.find((p: any) => p.nodeId === node.identity.deviceId);
      }
      await operator.client.request("node.pair.approve", { requestId: surface.requestId });
      operator.client.stop();
      cronJobId = job.id;
      whileRunning = await runCli(home, ["import", "openclaw", "--dry-run"]);
    } finally {
      await upstream.stop();
    }

    // Upstream's CLI and store API write the database directly, with or without a running gateway.
    const filed = await runOpenClawScript(
      `const { upsertChannelPairingRequest } = await import(${JSON.stringify(join(OPENCLAW_PACKAGE_DIR, "dist/plugin-sdk/conversation-runtime.js"))});
       const r = await upsertChannelPairingRequest({ channel: "telegram", id: ${JSON.stringify(SENDER)}, meta: { username: "alice" } });
       process.stdout.write(JSON.stringify(r)); process.exit(0);`,
      home,
    );
    expect(filed.code).toBe(0);
    const { code } = JSON.parse(filed.stdout);
    expect(code).toMatch(/^[A-Z2-9]{8}$/);
    const approved = await openclaw(["pairing", "approve", "telegram", code], home);
    expect(approved.stdout).toContain(`Approved telegram sender ${SENDER}.`);
    expect(approved.code).toBe(0);
    upstreamFiles = fingerprint(stateDir);
    expect(Object.keys(upstreamFiles)).toContain(join("state", "openclaw.sqlite"));
  }, SETUP_TIMEOUT_MS);

  afterAll(() => {
    if (home) rmSync(home, { recursive: true, force: true });
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  const importJson = async (...args: string[]) => {
    const r = await runCli(home, ["import", "openclaw", "--json", ...args]);
    return { ...r, report: r.code === 0 ? JSON.parse(r.stdout) : undefined };
  };
  const ids = (items: { kind: string; id: string }[]) => items.map((i) => `${i.kind} ${i.id}`).sort();
  const deviceId = () => device.identity.deviceId;
  const nodeId = () => node.identity.deviceId;
  const expectedIds = () => [`cron job ${cronJobId}`, `device ${deviceId()}`, `device token ${deviceId()}/operator`, `device ${nodeId()}`, `device token ${nodeId()}/node`, `node ${nodeId()}`, `sender telegram/default/${SENDER}`].sort();

  test("while OpenClaw's gateway runs -> refused, naming its pid and what to do", () => {
    expect(whileRunning.stderr).toMatch(/OpenClaw's gateway is running on .*\.openclaw \(pid \d+\)/);
    expect(whileRunning.stderr).toContain("openclaw gateway stop");
    expect(whileRunning.code).toBe(1);
  });

  test("--dry-run -> the full report, nothing written (clawgate's database is not even created)", async () => {
    const { code, report, stderr } = await importJson("--dry-run");
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(report.dryRun).toBe(true);
    expect(report.source).toEqual({ stateDir, database: join(stateDir, "state", "openclaw.sqlite"), schemaVersion: 18, appVersion: "2026.9.6" });
    expect(ids(report.imported)).toEqual(expectedIds());
    expect(existsSync(databasePath(stateDir))).toBe(false);
    expect(fingerprint(stateDir)).toEqual(upstreamFiles);
  }, CLI_TIMEOUT_MS);

  test("the Node CLI reads the same database into the same report (node:sqlite)", async () => {
    const bun = await importJson("--dry-run");
    const proc = Bun.spawn([...(await runtimeCommand("node")), "import", "openclaw", "--json", "--dry-run"], { env: childEnv(home), stdin: "ignore", stdout: "pipe", stderr: "pipe" });
    const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual(bun.report);
    expect(existsSync(databasePath(stateDir))).toBe(false);
  }, 2 * CLI_TIMEOUT_MS);

  test("import -> devices with tokens, the sender and the user's cron job imported; upstream-managed jobs skipped with the reason; upstream's files byte-identical", async () => {
    const { code, report } = await importJson();
    expect(code).toBe(0);
    expect(report.dryRun).toBe(false);
    expect(ids(report.imported)).toEqual(expectedIds());
    expect(report.imported.find((i: any) => i.id === deviceId())).toEqual({ kind: "device", id: deviceId(), label: "Test Laptop", reason: "roles operator; scopes operator.admin" });
    expect(report.unchanged).toEqual([]);
    // The gateway's own jobs (heartbeat, memory, skills review) are upstream's, not the user's.
    const managed = report.skipped.filter((i: any) => i.kind === "cron job");
    expect(managed.length).toBeGreaterThan(0);
    for (const item of managed) expect(item.reason).toStartWith("created and kept by OpenClaw itself (");
    expect(fingerprint(stateDir)).toEqual({ ...upstreamFiles, ...pick(fingerprint(stateDir), (p) => p.startsWith(join("state", "clawgate.sqlite"))) });

    const db = dumpDatabase(databasePath(stateDir));
    expect(db.device_tokens).toHaveLength(2);
    // Only clawgate's hash of the token is stored, never the token.
    expect(JSON.stringify(db)).not.toContain(upstreamToken);
    expect(db.sender_allow_from).toEqual([{ channel: "telegram", account_id: "default", sender_id: SENDER, approved_at_ms: expect.any(Number) }]);
  }, CLI_TIMEOUT_MS);

  test("clawgate on the same state dir: the same device identity connects with the token it holds, no new pairing; the sender is approved", async () => {
    const gw = await spawnGateway(home, ["--port", "0"]);
    try {
      // No shared token: only the imported pairing and device token can admit it.
      const again = await connectClient(laptop(device, gw.url));
      again.client.stop();
      expect(again.hello.auth).toMatchObject({ method: "device-token", role: "operator", scopes: ["operator.admin"] });
      expect(again.hello.auth.deviceToken).toBeUndefined();
      expect(device.tokens.get("operator")?.token).toBe(upstreamToken);
      // The node too, with its approved command surface: nothing waits for approval.
      const pi = await connectClient(nodeHost(node, gw.url));
      expect(pi.hello.auth).toMatchObject({ method: "device-token", role: "node" });
      const operator = await connectClient({ url: gw.url, token: TOKEN });
      const nodes = await operator.client.request<any>("node.pair.list", {});
      operator.client.stop();
      pi.client.stop();
      expect(nodes.pending).toEqual([]);
      expect(nodes.paired).toEqual([expect.objectContaining({ nodeId: nodeId(), displayName: "Pi", caps: ["system"], commands: ["system.notify"] })]);
      // Control: a device OpenClaw never saw is refused without the shared token.
      const stranger = await connectClient(laptop(newDevice(), gw.url)).then(() => "connected", (refusal) => refusal.code);
      expect(stranger).toBe(1008);
    } finally {
      gw.proc.kill("SIGTERM");
      await gw.proc.exited;
    }
    expect(dumpDatabase(databasePath(stateDir)).pending_pairings).toEqual([]);

    // The sender as a channel asks about it: allowed, while a stranger gets a pairing code.
    const local = await startTestGateway({ dir: stateDir });
    try {
      expect(local.running.gateway.senders.request({ channel: "telegram", senderId: SENDER })).toEqual({ status: "allowed" });
      expect(local.running.gateway.senders.request({ channel: "telegram", senderId: "999" }).status).toBe("pending");
    } finally {
      await local.stop();
    }
  }, CLI_TIMEOUT_MS);

  test("a second import changes nothing: everything unchanged, clawgate's rows as they were, upstream's files byte-identical", async () => {
    const before = dumpDatabase(databasePath(stateDir));
    const filesBefore = fingerprint(stateDir);
    const { code, report } = await importJson();
    expect(code).toBe(0);
    expect(report.imported).toEqual([]);
    expect(ids(report.unchanged)).toEqual(expectedIds());
    expect(dumpDatabase(databasePath(stateDir))).toEqual(before);
    const now = fingerprint(stateDir);
    for (const path of Object.keys(upstreamFiles)) expect([path, now[path]]).toEqual([path, filesBefore[path]]);
    // Since the first fingerprint only the clawgate gateway of the test above wrote here: it records the
    // shared openclaw.json as last-known-good after starting, as upstream's gateway does.
    for (const [path, hash] of Object.entries(upstreamFiles)) if (path !== "openclaw.json.last-good") expect([path, now[path]]).toEqual([path, hash]);

    const text = await runCli(home, ["import", "openclaw"]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain("0 imported, 7 unchanged,");
    expect(text.stdout).toContain("Nothing new: clawgate's database was not changed.");
  }, CLI_TIMEOUT_MS);

  test("doctor: OpenClaw's paired devices and nothing imported -> a hint to import; after the import -> no hint", async () => {
    const other = join(scratch, "doctor-home");
    mkdirSync(join(other, ".openclaw", "state"), { recursive: true, mode: 0o700 });
    for (const file of readdirSync(join(stateDir, "state")).filter((f) => f.startsWith("openclaw.sqlite"))) cpSync(join(stateDir, "state", file), join(other, ".openclaw", "state", file));
    const findings = async () => JSON.parse((await runCli(other, ["doctor", "--json"])).stdout).findings.filter((f: any) => f.checkId === "openclaw/import");

    const before = await findings();
    expect(before).toEqual([{
      checkId: "openclaw/import", severity: "warning", path: join(other, ".openclaw", "state", "openclaw.sqlite"),
      message: "OpenClaw state with 2 paired device(s) found, none imported: each would have to pair again with clawgate.",
      fixHint: expect.stringContaining("Run `clawgate import openclaw`"),
    }]);
    // The check only reads: it creates no clawgate database.
    expect(existsSync(databasePath(join(other, ".openclaw")))).toBe(false);
    expect((await runCli(other, ["import", "openclaw"])).code).toBe(0);
    expect(await findings()).toEqual([]);
  }, CLI_TIMEOUT_MS);

  describe("bad upstream stores -> a clear error, exit 1, clawgate's database unchanged", () => {
    /** A copy of upstream's state dir whose database `mutate` damaged (WAL folded in first, so the edit is the file's). */
    function variant(name: string, mutate: (db: Database, path: string) => void): string {
      const dir = join(scratch, name);
      mkdirSync(join(dir, "state"), { recursive: true });
      for (const suffix of ["", "-wal"]) {
        const from = join(stateDir, "state", `openclaw.sqlite${suffix}`);
        if (existsSync(from)) cpSync(from, join(dir, "state", `openclaw.sqlite${suffix}`));
      }
      const path = join(dir, "state", "openclaw.sqlite");
      const db = new Database(path);
      db.exec("PRAGMA wal_checkpoint(TRUNCATE); PRAGMA journal_mode = DELETE;");
      mutate(db, path);
      db.close();
      return dir;
    }

    async function refused(dir: string, expected: RegExp): Promise<string> {
      const before = dumpDatabase(databasePath(stateDir));
      const r = await runCli(home, ["import", "openclaw", "--state-dir", dir]);
      expect(r.stderr).toMatch(expected);
      expect(r.stderr).toContain("Nothing was imported; clawgate's database is unchanged.");
      expect(r.stdout).toBe("");
      expect(r.code).toBe(1);
      expect(dumpDatabase(databasePath(stateDir))).toEqual(before);
      return r.stderr;
    }

    test("control: an untouched copy imports (everything unchanged)", async () => {
      const dir = variant("control", () => undefined);
      const r = await runCli(home, ["import", "openclaw", "--state-dir", dir, "--json"]);
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout).counts).toEqual({ imported: 0, unchanged: 7, skipped: expect.any(Number) });
    }, CLI_TIMEOUT_MS);

    test("missing: no database in the dir -> names the path and --state-dir", async () => {
      const empty = join(scratch, "empty");
      mkdirSync(empty);
      const err = await refused(empty, /no OpenClaw state database at .*empty\/state\/openclaw\.sqlite/);
      expect(err).toContain("Pass --state-dir");
    }, CLI_TIMEOUT_MS);

    test("missing, with upstream's older JSON stores -> says to let OpenClaw migrate them first", async () => {
      const legacy = join(scratch, "legacy");
      mkdirSync(join(legacy, "devices"), { recursive: true });
      writeFileSync(join(legacy, "devices", "paired.json"), "{}");
      await refused(legacy, /openclaw doctor --fix/);
    }, CLI_TIMEOUT_MS);

    test("not a database -> not a readable SQLite database", async () => {
      const dir = join(scratch, "garbage");
      mkdirSync(join(dir, "state"), { recursive: true });
      writeFileSync(join(dir, "state", "openclaw.sqlite"), "this is not a database, just text long enough to look like a header".repeat(100));
      await refused(dir, /is not a readable SQLite database/);
    }, CLI_TIMEOUT_MS);

    test("damaged page -> the integrity check's finding", async () => {
      const dir = variant("damaged", (db, path) => {
        const { rootpage } = db.query("SELECT rootpage FROM sqlite_master WHERE name = 'device_pairing_paired'").get() as { rootpage: number };
        const { page_size } = db.query("PRAGMA page_size").get() as { page_size: number };
        db.close();
        const bytes = readFileSync(path);
        bytes.fill(0xff, (rootpage - 1) * page_size + 8, (rootpage - 1) * page_size + 208);
        writeFileSync(path, bytes);
      });
      await refused(dir, /is damaged \((integrity check: |database disk image is malformed)/);
    }, CLI_TIMEOUT_MS);

    test("newer schema (v19) -> refused as newer, with what to do", async () => {
      const dir = variant("newer", (db) => db.exec("PRAGMA user_version = 19"));
      const err = await refused(dir, /has schema v19, newer than the OpenClaw 2026\.9\.6 schema \(v18\)/);
      expect(err).toContain("Update clawgate");
    }, CLI_TIMEOUT_MS);

    test("older schema (v17) -> refused, asking to let OpenClaw 2026.9.6 migrate it", async () => {
      const dir = variant("older", (db) => db.exec("PRAGMA user_version = 17"));
      await refused(dir, /has schema v17, older than/);
    }, CLI_TIMEOUT_MS);

    test("partial: a table missing -> names it; nothing of the rest is imported", async () => {
      const dir = variant("partial", (db) => db.exec("DROP TABLE channel_pairing_allow_entries"));
      await refused(dir, /no such table: channel_pairing_allow_entries/);
    }, CLI_TIMEOUT_MS);

    test("a device row whose tokens column does not parse -> names the row", async () => {
      const dir = variant("bad-json", (db) => db.exec(`UPDATE device_pairing_paired SET tokens_json = '{not json' WHERE device_id = '${deviceId()}'`));
      await refused(dir, new RegExp(`device_pairing_paired row ${deviceId()} holds JSON that does not parse`));
    }, CLI_TIMEOUT_MS);

    test("a running clawgate gateway on the target state dir -> refused before reading anything", async () => {
      const gw = await spawnGateway(home, ["--port", "0"]);
      try {
        const r = await runCli(home, ["import", "openclaw"]);
        expect(r.code).toBe(1);
        expect(r.stderr).toContain(`is running (pid ${gw.proc.pid})`);
        expect(r.stderr).toContain("clawgate gateway stop");
      } finally {
        gw.proc.kill("SIGTERM");
        await gw.proc.exited;
      }
    }, CLI_TIMEOUT_MS);
  });
});

function pick(record: Record<string, string>, keep: (key: string) => boolean): Record<string, string> {
  return Object.fromEntries(Object.entries(record).filter(([k]) => keep(k)));
}
