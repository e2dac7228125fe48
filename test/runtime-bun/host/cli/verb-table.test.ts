/**
 * The CLI's one verb table (runtime-bun/host/cli/verbs.ts) as a user meets it, run
 * as child processes on a throwaway HOME: per-verb and per-group help, flags
 * refused per verb with a clear message (never a runtime parser's text), the
 * one integer parser (upstream's --port text), argument counts, unknown
 * commands; and each verb's code left out of the bundle's entry chunk.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bundleCli } from "../../../../runtime-bun/bundle.ts";
import { VERBS } from "../../../../runtime-bun/host/cli/verbs.ts";
import { runCliIsolated } from "../../../harness/process.ts";

const cli = (...args: string[]) => runCliIsolated(args);

describe("help from the table", () => {
  test("clawgate --help -> every verb of the table with its summary, exit 0; no command -> the same help, exit 1", async () => {
    const help = await cli("--help");
    expect(help.code).toBe(0);
    for (const verb of VERBS) expect(help.stdout).toContain(`  ${verb.name}${verb.aliases ? `|${verb.aliases.join("|")}` : ""} `);
    expect(help.stdout).toContain("  cron rm|remove|delete ");
    const bare = await cli();
    expect(bare.code).toBe(1);
    expect(bare.stdout).toBe(help.stdout);
  });

  test("a group's --help -> its subcommands only (devices --help is not the top-level help)", async () => {
    const devices = await cli("devices", "--help");
    expect(devices.code).toBe(0);
    expect(devices.stdout).toStartWith("Usage: clawgate devices <command> [options]\n\nCommands:\n  list ");
    expect(devices.stdout).toContain("\n  rotate ");
    expect(devices.stdout).not.toContain("gateway run");
    const cron = await cli("cron");
    expect(cron.code).toBe(1);
    expect(cron.stdout).toContain("\n  add|create ");
  });

  test("a verb's --help -> its usage and exactly its flags, exit 0, even next to a flag it does not take", async () => {
    const help = await cli("cron", "rm", "--help", "--bogus");
    expect(help.code).toBe(0);
    expect(help.stdout).toStartWith("Usage: clawgate cron rm|remove|delete <id> [options]\n\nRemove an automation.\n\nOptions:\n");
    const flags = [...help.stdout.matchAll(/^ {2}(?:-\w, )?--([\w-]+)/gm)].map((m) => m[1]);
    expect(flags).toEqual(["json", "url", "token", "password", "port", "timeout"]);
    const agent = await cli("agent", "-h");
    expect(agent.stdout).toContain("  -m, --message <text>");
  });
});

describe("flags are checked per verb", () => {
  test("devices list --follow -> refused, naming the flag and the verb, exit 1", async () => {
    expect(await cli("devices", "list", "--follow")).toEqual({ code: 1, stdout: "", stderr: 'error clawgate does not recognize option "--follow" for `devices list`.\nTry: clawgate devices list --help\n' });
  });

  test("config get --follow -> refused; the table gives --follow to logs only", async () => {
    expect((await cli("config", "get", "gateway.port", "--follow")).stderr).toContain('does not recognize option "--follow" for `config get`.');
    expect((await cli("logs", "--help")).stdout).toContain("  --follow ");
    expect((await cli("config", "get", "--help")).stdout).not.toContain("--follow");
  });

  test("channels status --probe and agent --message are verbs of their own, not Node's parseArgs text", async () => {
    const channels = await cli("channels", "status", "--probe", "--bogus");
    expect(channels.stderr).toBe('error clawgate does not recognize option "--bogus" for `channels status`.\nTry: clawgate channels status --help\n');
    const agent = await cli("agent", "--message");
    expect(agent).toEqual({ code: 1, stdout: "", stderr: 'error Option "--message <text>" needs a value.\nTry: clawgate agent --help\n' });
    for (const r of [channels, agent]) expect(r.stderr).not.toMatch(/ERR_PARSE_ARGS|Unknown option '/);
  });

  test("a boolean flag with a value, a single flag given twice -> refused", async () => {
    expect((await cli("health", "--json=yes")).stderr).toStartWith('error Option "--json" takes no value (got "yes").\n');
    expect((await cli("cron", "add", "--name", "a", "--name", "b")).stderr).toStartWith('error Option "--name" was given more than once.\n');
  });

  test("`--` ends the flags: what follows is an argument", async () => {
    expect(await cli("config", "get", "--", "--json")).toEqual({ code: 1, stdout: "", stderr: "Unknown config path: --json. Run clawgate config schema to inspect valid paths.\n" });
  });
});

describe("one integer parser", () => {
  test("--port 99999, 0 or abc -> upstream's text, exit 1, for every verb that takes --port", async () => {
    const text = "error Invalid --port. Use a port number from 1 to 65535, for example 18789.\n";
    for (const args of [["gateway", "run", "--port", "99999"], ["gateway", "call", "health", "--port", "0"], ["cron", "list", "--port", "abc"], ["status", "--port=1e3"], ["gateway", "install", "--port", "65536"]]) {
      const r = await cli(...args);
      expect({ args, code: r.code, stderr: r.stderr }).toEqual({ args, code: 1, stderr: `${text}Try: clawgate ${args.filter((a) => !a.startsWith("-") && !/^\d|abc|health/.test(a)).join(" ")} --help\n` });
    }
    // A negative number is a value (as for commander, which upstream's CLI uses), so it is out of range, not missing.
    expect((await cli("gateway", "start", "--port", "-1")).stderr).toStartWith("error Invalid --port. Use a port number from 1 to 65535, for example 18789.\n");
    expect((await cli("gateway", "start", "--port", "--json")).stderr).toStartWith('error Option "--port <port>" needs a value.\n');
  });

  test("--timeout, --limit: digits only, at least 1, with the value received", async () => {
    expect((await cli("health", "--timeout", "abc")).stderr).toStartWith('error Invalid --timeout. Use a positive integer (milliseconds), e.g. --timeout 10000. Received: "abc".\n');
    expect((await cli("logs", "--limit", "0")).stderr).toStartWith('error Invalid --limit. Use a positive integer, e.g. --limit 200. Received: "0".\n');
    expect((await cli("cron", "add", "--timeout-seconds", "1.5")).stderr).toStartWith('error Invalid --timeout-seconds. Use an integer >= 0, e.g. --timeout-seconds 300. Received: "1.5".\n');
  });
});

describe("commands and arguments", () => {
  test("too many arguments, unknown command, unknown subcommand -> clear text and where to look, exit 1", async () => {
    expect(await cli("health", "extra")).toEqual({ code: 1, stdout: "", stderr: 'error Too many arguments for this command (unexpected "extra").\nTry: clawgate health --help\n' });
    expect(await cli("frobnicate")).toEqual({ code: 1, stdout: "", stderr: "error unknown command: frobnicate\nRun `clawgate --help` for usage.\n" });
    expect(await cli("cron", "explode")).toEqual({ code: 1, stdout: "", stderr: 'error clawgate cron has no command "explode".\nTry: clawgate cron --help\n' });
  });

  test("--version wins over everything else", async () => {
    expect((await cli("cron", "list", "--version")).stdout).toMatch(/^clawgate \d+\.\d+\.\d+\n$/);
  });
});

describe("verbs stay lazy", () => {
  let dir: string | undefined;
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test("the chunk with the table holds no verb's code; each verb's text is in a chunk of its own", async () => {
    dir = mkdtempSync(join(tmpdir(), "clawgate-verbs-bundle-"));
    const out = join(dir, "bun");
    await bundleCli(out);
    const chunks = readdirSync(out).map((f) => readFileSync(join(out, f), "utf8"));
    const table = chunks.findIndex((c) => c.includes("Remove an automation."));
    expect(table).toBeGreaterThanOrEqual(0);
    // One marker string from each verb module: not in the table's chunk, and no two in one chunk.
    const markers = ["No automations.", "Checking channel status", "Missing message. Use clawgate agent", "Sessions listed: ", "Gateway probe duration: ", "Gateway call: "];
    const homes = markers.map((m) => chunks.findIndex((c) => c.includes(m)));
    expect(homes).not.toContain(-1);
    expect(homes).not.toContain(table);
    expect(new Set(homes).size).toBe(markers.length);
  });
});
