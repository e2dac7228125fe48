/**
 * The verbs a user of OpenClaw types besides `gateway …`: `health`,
 * `sessions`, `cron list|add|rm|run`, `agent --message`, `channels status`,
 * as child processes against a child gateway; where the real `openclaw` CLI
 * is installed, its output for the same gateway is the reference.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { freshHome, runCli, runCliIsolated, spawnGateway, type ChildGateway } from "../../../harness/process.ts";
import { openclaw, openclawCliAvailable, SKIP_MESSAGE } from "../../../harness/openclaw-cli.ts";
import { skipWithout } from "../../../harness/capability.ts";

const TOKEN = "verbs-cli-token-0123456789abcdef";
const realCli = !skipWithout(openclawCliAvailable(), "comparisons with the real CLI", SKIP_MESSAGE);

let home: string;
/** A HOME for the real openclaw CLI whose config points at the same gateway. */
let upstreamHome: string;
let gw: ChildGateway;

const configFor = (port?: number) => JSON.stringify({ gateway: { mode: "local", ...(port ? { port } : {}), auth: { mode: "token", token: TOKEN } } });

beforeAll(async () => {
  home = freshHome();
  mkdirSync(join(home, ".openclaw"), { mode: 0o700 });
  writeFileSync(join(home, ".openclaw", "openclaw.json"), configFor(), { mode: 0o600 });
  gw = await spawnGateway(home, ["--port", "0"]);
  upstreamHome = freshHome();
  mkdirSync(join(upstreamHome, ".openclaw"), { mode: 0o700 });
  writeFileSync(join(upstreamHome, ".openclaw", "openclaw.json"), configFor(gw.port), { mode: 0o600 });
});
afterAll(() => {
  gw.proc.kill("SIGKILL");
  rmSync(home, { recursive: true, force: true });
  rmSync(upstreamHome, { recursive: true, force: true });
});

/** clawgate finds the `--port 0` gateway through its pid file. */
const cli = (...args: string[]) => runCli(home, args);
/** Event-loop figures and the probe time change from call to call. */
const steady = (text: string) => text.replace(/max=\d+ms p99=\d+ms util=[\d.]+ cpu=[\d.]+/, "max=Nms p99=Nms util=N cpu=N").replace(/duration: \d+ms/, "duration: Nms");

describe("health", () => {
  test("health -> upstream's lines: event loop, probe time, agents, heartbeat, session store; --json -> the snapshot", async () => {
    const text = await cli("health");
    expect(text.code).toBe(0);
    expect(steady(text.stdout)).toStartWith("Gateway event loop: ok max=Nms p99=Nms util=N cpu=N\nGateway probe duration: Nms\nAgents: main (default)\nHeartbeat interval: 30m (main)\nSession store (main): ");
    const json = await cli("health", "--json");
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: true, defaultAgentId: "main", agents: [{ agentId: "main", isDefault: true }] });
  });

  test.skipIf(!realCli)("the real `openclaw health` prints the same lines for this gateway", async () => {
    const [ours, theirs] = [await cli("health"), await openclaw(["health"], upstreamHome)];
    expect(theirs.code).toBe(0);
    expect(steady(ours.stdout)).toBe(steady(theirs.stdout.replace(/^[\s\S]*?(?=Gateway event loop)/, "")));
  }, 60_000);

  test("gateway down -> the transport error and exit 1", async () => {
    const down = await runCli(freshHome(), ["health", "--json", "--timeout", "2000"], { OPENCLAW_GATEWAY_PORT: "9" });
    expect(down.code).toBe(1);
    expect(JSON.parse(down.stdout).error).toMatchObject({ type: "gateway_transport_error" });
  });
});

describe("agent --message", () => {
  test("one turn with no idempotency key to write: the reply on stdout, exit 0; --json -> the final response", async () => {
    const turn = await cli("agent", "--message", "hello from the shell");
    expect(turn).toMatchObject({ code: 0, stderr: "" });
    expect(turn.stdout).toStartWith('You said: "hello from the shell".');
    const json = await cli("agent", "-m", "again", "--agent", "main", "--json");
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ status: "ok", result: { payloads: [{ text: expect.stringContaining('You said: "again"') }], meta: { agentMeta: { provider: "clawgate" } } } });
  });

  test("--session-key picks the session; --message-file reads the body", async () => {
    const file = join(home, "msg.txt");
    writeFileSync(file, "from a file");
    const r = await cli("agent", "--message-file", file, "--session-key", "agent:main:cli-test");
    expect(r.code).toBe(0);
    expect(r.stdout).toStartWith('You said: "from a file".');
    const sessions = JSON.parse((await cli("sessions", "--json")).stdout);
    expect(sessions.sessions.map((s: { key: string }) => s.key)).toContain("agent:main:cli-test");
  });

  test.skipIf(!realCli)("the real `openclaw agent --message` prints the same reply for a turn on a fresh session", async () => {
    const ours = await cli("agent", "--message", "compare", "--session-key", "agent:main:cmp-ours");
    const theirs = await openclaw(["agent", "--message", "compare", "--session-key", "agent:main:cmp-theirs"], upstreamHome);
    expect(theirs.code).toBe(0);
    expect(ours.stdout).toBe(theirs.stdout.replace(/^[\s\S]*?(?=You said)/, ""));
  }, 60_000);

  test("no message, a blank selector, an unknown agent -> refused with the reason, exit 1", async () => {
    expect(await cli("agent")).toEqual({ code: 1, stdout: "", stderr: 'error Missing message. Use clawgate agent --message "..." --agent <id> or clawgate agent --message-file <path> --agent <id>.\n' });
    expect(await cli("agent", "-m", "x", "--agent", " ")).toEqual({ code: 1, stdout: "", stderr: "error --agent must not be blank\n" });
    const unknown = await cli("agent", "-m", "x", "--agent", "ghost", "--json");
    expect(unknown.code).toBe(1);
    expect(JSON.parse(unknown.stdout).error.message).toContain("ghost");
  });
});

describe("sessions", () => {
  test("sessions -> store, count and a table newest first; --json -> upstream's listing keys", async () => {
    await cli("agent", "-m", "make a session");
    const text = await cli("sessions");
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^Session store: .+\nSessions listed: \d+\n┌/);
    expect(text.stdout).toMatch(/│ direct +│ agent:main:main +│ just now +│/);
    const json = JSON.parse((await cli("sessions", "list", "--json", "--limit", "1")).stdout);
    expect(Object.keys(json)).toEqual(["path", "count", "totalCount", "limitApplied", "hasMore", "activeMinutes", "sessions"]);
    expect(json).toMatchObject({ count: 1, limitApplied: 1, hasMore: true, activeMinutes: null });
  });

  test("--limit all, --active N; a bad --limit -> upstream's hint", async () => {
    const all = JSON.parse((await cli("sessions", "--json", "--limit", "all", "--active", "60")).stdout);
    expect(all).toMatchObject({ limitApplied: null, activeMinutes: 60, hasMore: false });
    expect(all.count).toBe(all.totalCount);
    expect((await cli("sessions", "--limit", "some")).stderr).toBe('error Invalid --limit. --limit must be a positive integer or "all", for example --limit 25.\n');
  });
  test("--url --token from a HOME with no config -> the same gateway's sessions; a wrong token -> refused; --url alone -> upstream's error", async () => {
    const local = JSON.parse((await cli("sessions", "--json", "--limit", "all")).stdout);
    const remote = await runCliIsolated(["sessions", "--json", "--limit", "all", "--url", gw.url, "--token", TOKEN]);
    expect(remote.code).toBe(0);
    expect(JSON.parse(remote.stdout).sessions.map((s: { key: string }) => s.key)).toEqual(local.sessions.map((s: { key: string }) => s.key));
    const wrong = await runCliIsolated(["sessions", "--url", gw.url, "--token", "not-the-token-000"]);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain("token mismatch");
    const bare = await runCliIsolated(["sessions", "--url", gw.url]);
    expect(bare.code).toBe(1);
    expect(bare.stderr).toContain("--url requires explicit credentials (--token or --password)");
  });
});

describe("cron list|add|rm|run", () => {
  test("add --every --message --name -> the stored job as JSON, upstream's defaults; list shows it; run queues it; rm removes it", async () => {
    const add = await cli("cron", "add", "--name", "digest", "--every", "90s", "--message", "summarize");
    expect(add.code).toBe(0);
    expect(add.stderr).toBe("No --agent specified; the job will run with the configured default agent. Specify --agent to choose a specific agent.\n");
    const job = JSON.parse(add.stdout);
    expect(job).toMatchObject({ name: "digest", enabled: true, schedule: { kind: "every", everyMs: 90_000 }, sessionTarget: "isolated", wakeMode: "now", payload: { kind: "agentTurn", message: "summarize" }, delivery: { mode: "announce", channel: "last" } });

    const list = await cli("cron", "list");
    expect(list.stdout).toStartWith("ID                                   Declaration              Name                     Schedule                         Next       Last       Status              Target    Delivery ");
    expect(list.stdout).toMatch(new RegExp(`\n${job.id} -                        digest                   every 1m 30s                     in [12]m      -          idle                isolated  -  +main       -                        -\n`));
    expect(JSON.parse((await cli("cron", "list", "--json")).stdout).jobs.map((j: { id: string }) => j.id)).toContain(job.id);

    const run = await cli("cron", "run", job.id);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ ok: true, enqueued: true, runId: expect.any(String) });

    expect(JSON.parse((await cli("cron", "remove", job.id)).stdout)).toEqual({ ok: true, removed: true });
    const again = await cli("cron", "rm", job.id);
    const miss = `Automation not found: ${job.id}. Run \`clawgate cron list\` to see recent automation ids.`;
    expect(again).toEqual({ code: 1, stdout: `${JSON.stringify({ ok: false, error: { type: "cli_error", message: miss } }, null, 2)}\n`, stderr: `${miss}\n` });
  });

  test("positional schedule and name forms; --system-event targets main; --at 20m is an absolute time; --disabled jobs need --all", async () => {
    const cronJob = JSON.parse((await cli("cron", "create", "0 7 * * *", "morning brief", "--name", "brief", "--tz", "Europe/Paris", "--agent", "main")).stdout);
    expect(cronJob).toMatchObject({ name: "brief", agentId: "main", schedule: { kind: "cron", expr: "0 7 * * *", tz: "Europe/Paris" }, payload: { message: "morning brief" } });
    const sys = JSON.parse((await cli("cron", "add", "ping", "--every", "1h", "--system-event", "check", "--disabled")).stdout);
    expect(sys).toMatchObject({ name: "ping", enabled: false, sessionTarget: "main", payload: { kind: "systemEvent", text: "check" } });
    expect(sys.delivery).toBeUndefined();
    const before = Date.now();
    const once = JSON.parse((await cli("cron", "add", "--name", "once", "--at", "20m", "--system-event", "x")).stdout);
    expect(Date.parse(once.schedule.at) - before).toBeGreaterThanOrEqual(20 * 60_000 - 1000);
    expect(Date.parse(once.schedule.at) - before).toBeLessThan(21 * 60_000);
    // An offset-less time is wall-clock time in --tz: 09:00 in Tokyo (UTC+9, no DST) is 00:00Z.
    const tokyo = JSON.parse((await cli("cron", "add", "--name", "tk", "--at", "2035-01-02T09:00", "--tz", "Asia/Tokyo", "--system-event", "x")).stdout);
    expect(tokyo.schedule.at).toBe("2035-01-02T00:00:00.000Z");
    const ids = (args: string[]) => cli("cron", "list", "--json", ...args).then((r) => JSON.parse(r.stdout).jobs.map((j: { id: string }) => j.id));
    expect(await ids([])).not.toContain(sys.id);
    expect(await ids(["--all"])).toContain(sys.id);
  });

  test("bad input -> upstream's message as a cli_error envelope and on stderr, exit 1, nothing added", async () => {
    const count = async () => JSON.parse((await cli("cron", "list", "--all", "--json")).stdout).jobs.length;
    const before = await count();
    const cases: [string[], string][] = [
      [["--every", "10m", "--message", "x"], "Cron job name is required. Pass a name or --name <name>."],
      [["--name", "n", "--message", "x"], "Choose exactly one schedule: --at, --every, or --cron"],
      [["--name", "n", "--every", "1m", "--cron", "* * * * *", "--message", "x"], "Choose exactly one schedule: --at, --every, or --cron"],
      [["--name", "n", "--every", "1m"], "Choose exactly one payload: --system-event or --message"],
      [["--name", "n", "--every", "soon", "--message", "x"], 'Invalid duration: "soon". Use values like 500ms, 30s, 5m, 2h, or 1h30m.'],
      [["--name", "n", "--at", "tomorrow", "--message", "x"], "Invalid --at. Use an ISO timestamp or a duration like 20m."],
      [["--name", "n", "--every", "1m", "--message", "x", "--session", "elsewhere"], 'Invalid --session "elsewhere". Use main, isolated, current or session:<id>.'],
      [["--name", "n", "--cron", "* * * * *", "--tz", "Mars/Olympus", "--message", "x"], 'Invalid --tz "Mars/Olympus". Use an IANA timezone such as Europe/Paris.'],
      [["--name", "n", "--every", "1m", "--message", "x", "--announce", "--no-deliver"], "Choose at most one of --announce, --no-deliver, or --webhook."],
    ];
    for (const [args, message] of cases) {
      const r = await cli("cron", "add", ...args);
      expect({ args, code: r.code, stdout: JSON.parse(r.stdout), stderr: r.stderr }).toEqual({ args, code: 1, stdout: { ok: false, error: { type: "cli_error", message } }, stderr: `${message}\n` });
    }
    // A refusal from the gateway itself (a cron expression it cannot parse) comes back the same way.
    const gatewaySide = await cli("cron", "add", "--name", "n", "--cron", "99 * * * *", "--message", "x");
    expect(gatewaySide.code).toBe(1);
    expect(JSON.parse(gatewaySide.stdout).error.message).toStartWith("invalid cron schedule");
    expect(await count()).toBe(before);
  });

  test.skipIf(!realCli)("the real `openclaw cron add` stores the same job for the same flags", async () => {
    const args = ["cron", "add", "--name", "same", "--every", "45m", "--message", "hi", "--agent", "main", "--thinking", "low"];
    const stored = (out: string) => {
      const { id: _id, createdAtMs: _c, updatedAtMs: _u, schedule: { anchorMs: _a, ...schedule }, state: _s, configRevision: _r, ...job } = JSON.parse(out);
      return { ...job, schedule };
    };
    for (const flags of [args, [...args.slice(0, 3), "delivered", ...args.slice(4), "--announce", "--channel", "telegram", "--to", "-100123", "--account", "work", "--thread-id", "42"]]) {
      const [ours, theirs] = [await cli(...flags), await openclaw(flags, upstreamHome)];
      expect(theirs.code).toBe(0);
      expect(stored(ours.stdout)).toEqual(stored(theirs.stdout.slice(theirs.stdout.indexOf("{"))));
    }
  }, 60_000);

  /** An hourly isolated job run `n` times by hand; resolves with its id once the run log holds them. */
  async function jobRunTwice(name: string): Promise<string> {
    const job = JSON.parse((await cli("cron", "add", "--name", name, "--every", "1h", "--message", `${name} please`, "--no-deliver")).stdout);
    for (let i = 0; i < 2; i++) {
      const before = JSON.parse((await cli("cron", "runs", job.id)).stdout).total;
      expect((await cli("cron", "run", job.id)).code).toBe(0);
      for (const deadline = Date.now() + 10_000; JSON.parse((await cli("cron", "runs", job.id)).stdout).total === before; await Bun.sleep(50)) {
        if (Date.now() > deadline) throw new Error(`run ${i + 1} of ${name} was not logged`);
      }
    }
    return job.id;
  }

  test("runs: the run log newest first with upstream's ISO times; filters by status, delivery status and text; bad choices refused", async () => {
    const id = await jobRunTwice("history");
    const page = JSON.parse((await cli("cron", "runs", id)).stdout);
    expect(page).toMatchObject({ total: 2, offset: 0, limit: 50, hasMore: false, nextOffset: null });
    const { tsIso, runAtIso } = page.entries[0];
    expect(tsIso).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d\d:\d\d$/);
    expect([Date.parse(tsIso), Date.parse(runAtIso)]).toEqual([page.entries[0].ts, page.entries[0].runAtMs]);
    expect(page.entries[0]).toMatchObject({ jobId: id, status: "ok", deliveryStatus: "not-requested" });
    expect(page.entries[0].ts).toBeGreaterThanOrEqual(page.entries[1].ts);
    const total = async (...flags: string[]) => JSON.parse((await cli("cron", "runs", id, ...flags)).stdout).total;
    expect(await total("--delivery-status", "not-requested")).toBe(2);
    expect(await total("--delivery-status", "delivered")).toBe(0);
    expect(await total("--status", "error")).toBe(0);
    expect(await total("--query", "HISTORY PLEASE")).toBe(2);
    expect(await total("--query", "nowhere")).toBe(0);
    expect(JSON.parse((await cli("cron", "runs", "--id", id, "--limit", "1", "--sort", "asc")).stdout)).toMatchObject({ total: 2, hasMore: true, nextOffset: 1, entries: [{ ts: page.entries[1].ts }] });
    const bad = await cli("cron", "runs", id, "--delivery-status", "lost");
    expect(bad).toMatchObject({ code: 1, stderr: 'Invalid --delivery-status "lost". Use delivered, not-delivered, unknown or not-requested.\n' });
  });

  test.skipIf(!realCli)("the real `openclaw cron runs` prints the same page, and its filters work against this gateway", async () => {
    const id = await jobRunTwice("compare");
    for (const flags of [[], ["--delivery-status", "not-requested", "--status", "ok", "--query", "compare"], ["--limit", "1", "--sort", "asc"]]) {
      const [ours, theirs] = [await cli("cron", "runs", id, ...flags), await openclaw(["cron", "runs", id, ...flags], upstreamHome)];
      expect(theirs.code).toBe(0);
      expect(JSON.parse(ours.stdout)).toEqual(JSON.parse(theirs.stdout.slice(theirs.stdout.indexOf("{"))));
    }
  }, 60_000);

  test.skipIf(!realCli)("the real `openclaw cron list` lays out the same columns for the same jobs", async () => {
    const job = JSON.parse((await cli("cron", "add", "--name", "layout", "--cron", "0 7 * * *", "--system-event", "x")).stdout);
    const [ours, theirs] = [await cli("cron", "list"), await openclaw(["cron", "list"], upstreamHome)];
    expect(theirs.code).toBe(0);
    const line = (out: string, prefix: string) => out.split("\n").find((l) => l.startsWith(prefix));
    expect(line(ours.stdout, "ID ")).toBe(line(theirs.stdout, "ID "));
    // Next-run labels round differently near a boundary; every other cell matches.
    const cells = (l: string | undefined) => l?.replace(/ in \d+[mhd] +/, " in N ");
    expect(cells(line(ours.stdout, job.id))).toBe(cells(line(theirs.stdout, job.id)));
  }, 60_000);
});

describe("channels status", () => {
  test("--probe -> reachable, no configured chat channels; --json -> the gateway's channels.status", async () => {
    const probe = await cli("channels", "status", "--probe");
    expect(probe).toEqual({ code: 0, stderr: "", stdout: "Checking channel status (probe)…\nGateway reachable.\n- no configured chat channels (run `clawgate channels add --channel telegram --token <bot-token>` to add one)\n\nTip: `clawgate health` prints the gateway's own health probes.\n" });
    const json = JSON.parse((await cli("channels", "status", "--json")).stdout);
    expect(json).toMatchObject({ channelOrder: [], channels: {}, statusIssues: [] });
  });

  test.skipIf(!realCli)("the real `openclaw channels status --json` reads the same keys from this gateway", async () => {
    const [ours, theirs] = [await cli("channels", "status", "--json"), await openclaw(["channels", "status", "--json"], upstreamHome)];
    expect(theirs.code).toBe(0);
    expect(Object.keys(JSON.parse(ours.stdout))).toEqual(Object.keys(JSON.parse(theirs.stdout)));
  }, 60_000);
});
