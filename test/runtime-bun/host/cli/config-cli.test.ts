/**
 * `clawgate config …` as a child process (spec §12): set/get/unset round
 * trips that keep keys clawgate does not read, validate --json on good and
 * bad files, upstream's texts and exit codes.
 */
import { afterEach, describe, expect, test } from "bun:test";
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { freshHome, runCli } from "../../../harness/process.ts";

const homes: string[] = [];
afterEach(() => {
  for (const h of homes.splice(0)) rmSync(h, { recursive: true, force: true });
});

/** A HOME whose ~/.openclaw/openclaw.json holds `text`. */
function homeWith(text: string): { home: string; path: string } {
  const home = freshHome();
  homes.push(home);
  mkdirSync(join(home, ".openclaw"), { mode: 0o700 });
  const path = join(home, ".openclaw", "openclaw.json");
  writeFileSync(path, text, { mode: 0o600 });
  return { home, path };
}

const REAL_OPENCLAW_CONFIG = `{
  // written by openclaw 2026.9.6
  agents: { defaults: { workspace: "~/.openclaw/workspace", skipBootstrap: true }, entries: { dev: { identity: { name: "C3-PO" } } } },
  gateway: { mode: "local", bind: "loopback", tailscale: { mode: "off" } },
  plugins: { entries: { anthropic: { config: { sessionCatalog: { enabled: false } } } } },
  meta: { lastTouchedVersion: "2026.9.6" },
}`;

describe("config set/get/unset round trip", () => {
  test("set -> get -> unset keeps every key clawgate does not read", async () => {
    const { home, path } = homeWith(REAL_OPENCLAW_CONFIG);
    const set = await runCli(home, ["config", "set", "gateway.port", "19555"]);
    expect(set).toMatchObject({ code: 0, stdout: "Updated gateway.port. Restart the gateway to apply.\n" });
    expect(statSync(path).mode & 0o777).toBe(0o600);

    const get = await runCli(home, ["config", "get", "gateway.port"]);
    expect(get).toMatchObject({ code: 0, stdout: "19555\n" });
    const getJson = await runCli(home, ["config", "get", "gateway", "--json"]);
    expect(JSON.parse(getJson.stdout)).toEqual({ mode: "local", bind: "loopback", tailscale: { mode: "off" }, port: 19555 });

    const unset = await runCli(home, ["config", "unset", "gateway.port"]);
    expect(unset).toMatchObject({ code: 0, stdout: "Removed gateway.port. Restart the gateway to apply.\n" });

    const after = JSON.parse(readFileSync(path, "utf8"));
    expect(after).toEqual({
      agents: { defaults: { workspace: "~/.openclaw/workspace", skipBootstrap: true }, entries: { dev: { identity: { name: "C3-PO" } } } },
      gateway: { mode: "local", bind: "loopback", tailscale: { mode: "off" } },
      plugins: { entries: { anthropic: { config: { sessionCatalog: { enabled: false } } } } },
      meta: { lastTouchedVersion: "2026.9.6" },
    });
    expect(readdirSync(join(home, ".openclaw")).filter((f) => f.includes(".bak")).length).toBe(2);
  });

  test("hints follow upstream: hot keys and no-op keys", async () => {
    const { home } = homeWith('{ gateway: { mode: "local" } }');
    expect((await runCli(home, ["config", "set", "logging.level", "debug"])).stdout).toBe("Updated logging.level. No gateway restart needed.\n");
    expect((await runCli(home, ["config", "set", "gateway.auth.rateLimit.maxAttempts", "5"])).stdout).toBe("Updated gateway.auth.rateLimit.maxAttempts. Change will apply without restarting the gateway.\n");
  });

  test("the same value again -> 'No change' and the file stays byte-for-byte", async () => {
    const { home, path } = homeWith('{ gateway: { mode: "local", port: 19001 } }');
    const res = await runCli(home, ["config", "set", "gateway.port", "19001"]);
    expect(res).toMatchObject({ code: 0, stdout: "No change\n" });
    expect(readFileSync(path, "utf8")).toBe('{ gateway: { mode: "local", port: 19001 } }');
  });

  test("an invalid value -> exit 1, upstream's message, nothing written", async () => {
    const { home, path } = homeWith('{ gateway: { mode: "local" } }');
    const res = await runCli(home, ["config", "set", "gateway.bind", "nope"]);
    expect(res.code).toBe(1);
    expect(res.stderr).toBe('Config validation failed: gateway.bind: Invalid input (allowed: "auto", "lan", "loopback", "custom", "tailnet")\n');
    expect(readFileSync(path, "utf8")).toBe('{ gateway: { mode: "local" } }');
  });

  test("secrets print redacted; the token is never echoed", async () => {
    const { home } = homeWith('{ gateway: { mode: "local", auth: { token: "0123456789abcdef0123" } } }');
    const res = await runCli(home, ["config", "get", "gateway.auth.token"]);
    expect(res).toMatchObject({ code: 0, stdout: "__OPENCLAW_REDACTED__\n" });
  });

  test("unset and unknown paths -> exit 1 with upstream's wording (text and JSON envelope)", async () => {
    const { home } = homeWith('{ gateway: { mode: "local" } }');
    const unsetPath = await runCli(home, ["config", "get", "gateway.port"]);
    expect(unsetPath.code).toBe(1);
    expect(unsetPath.stderr).toBe("Config path is valid but unset: gateway.port. The runtime default applies until you set an authored value with clawgate config set gateway.port <value>.\n");
    const unknown = await runCli(home, ["config", "get", "gateway.zzz", "--json"]);
    expect(unknown.code).toBe(1);
    expect(JSON.parse(unknown.stdout)).toEqual({ ok: false, error: { type: "cli_error", message: "Unknown config path: gateway.zzz. Run clawgate config schema to inspect valid paths." } });
    const missing = await runCli(home, ["config", "unset", "gateway.port"]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe("Config path not found: gateway.port. Nothing was changed. Run clawgate config get <path> first if you are unsure of the path.\n");
  });

  test("a write that drops gateway.mode -> exit 78, file kept, payload saved as .rejected.*", async () => {
    const { home, path } = homeWith('{ gateway: { mode: "local" } }');
    const res = await runCli(home, ["config", "unset", "gateway.mode"]);
    expect(res.code).toBe(78);
    expect(res.stderr).toContain(`Config write rejected: ${path} (gateway-mode-removed). Rejected payload saved to ${path}.rejected.`);
    expect(readFileSync(path, "utf8")).toBe('{ gateway: { mode: "local" } }');
    expect(readdirSync(join(home, ".openclaw")).some((f) => f.startsWith("openclaw.json.rejected."))).toBe(true);
  });

  test("config patch --file merges objects and deletes with null", async () => {
    const { home, path } = homeWith('{ gateway: { mode: "local" }, logging: { level: "info", file: "/tmp/x.log" } }');
    const patch = join(home, "p.json5");
    writeFileSync(patch, '{ logging: { level: "debug", file: null }, gateway: { port: 19002 } }');
    const res = await runCli(home, ["config", "patch", "--file", patch]);
    expect(res).toMatchObject({ code: 0, stdout: "Applied 3 config update(s). Restart the gateway to apply.\n" });
    expect(JSON.parse(readFileSync(path, "utf8"))).toEqual({ gateway: { mode: "local", port: 19002 }, logging: { level: "debug" } });
  });

  test("config file prints the path; --profile selects ~/.openclaw-<name>", async () => {
    const { home } = homeWith("{}");
    expect((await runCli(home, ["config", "file"])).stdout).toBe(`${join(home, ".openclaw", "openclaw.json")}\n`);
    expect(JSON.parse((await runCli(home, ["--profile", "work", "config", "file", "--json"])).stdout)).toEqual({ path: join(home, ".openclaw-work", "openclaw.json") });
  });
});

describe("config validate --json", () => {
  test("a real OpenClaw config -> valid, with clawgate's ignored keys as warnings", async () => {
    const { home, path } = homeWith(REAL_OPENCLAW_CONFIG);
    const res = await runCli(home, ["config", "validate", "--json"]);
    expect(res.code).toBe(0);
    const body = JSON.parse(res.stdout);
    expect(body).toMatchObject({ valid: true, path });
    expect(body.warnings.map((w: any) => w.path)).toEqual(["agents.defaults.workspace", "agents.defaults.skipBootstrap", "gateway.tailscale", "plugins"]);
  });

  test("a bad file -> exit 1 with upstream's envelope and issues", async () => {
    const { home, path } = homeWith('{ gateway: { port: "x" } }');
    const res = await runCli(home, ["config", "validate", "--json"]);
    expect(res.code).toBe(1);
    expect(JSON.parse(res.stdout)).toEqual({
      ok: false,
      error: { type: "cli_error", message: `OpenClaw config is invalid: ${path}` },
      valid: false,
      path,
      issues: [{ path: "gateway.port", message: "Invalid input: expected number, received string" }],
    });
  });

  test("no file -> exit 1, 'file not found'", async () => {
    const home = freshHome();
    homes.push(home);
    const res = await runCli(home, ["config", "validate", "--json"]);
    expect(res.code).toBe(1);
    expect(JSON.parse(res.stdout)).toEqual({ ok: false, error: { type: "cli_error", message: "file not found" }, valid: false, path: join(home, ".openclaw", "openclaw.json") });
  });
});

describe("--help and flag checks", () => {
  test("every verb has --help; an option a verb does not take -> exit 1", async () => {
    const home = freshHome();
    homes.push(home);
    const help = await runCli(home, ["config", "set", "--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toStartWith("Usage: clawgate config set <path> <value>");
    const bad = await runCli(home, ["config", "get", "gateway.port", "--follow"]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('clawgate does not recognize option "--follow" for `config get`.');
  });
});

describe("environment layering (§11)", () => {
  test("process > ./.env > ~/.openclaw/.env > config env.vars, for ${VAR} in config", async () => {
    const { home, path } = homeWith(JSON.stringify({
      gateway: { mode: "local", remote: { url: "ws://${FROM_CWD}:1" }, customBindHost: "${FROM_STATE}" },
      logging: { file: "${FROM_VARS}/gw.log" },
      env: { vars: { FROM_VARS: "/vars", FROM_STATE: "from-vars-loses", FROM_CWD: "from-vars-loses" } },
    }));
    writeFileSync(join(home, ".openclaw", ".env"), "FROM_STATE=state-wins\nFROM_CWD=state-loses\n");
    const cwd = join(home, "work");
    mkdirSync(cwd);
    writeFileSync(join(cwd, ".env"), "FROM_CWD=cwd-wins\n");
    const get = async (key: string, extra: Record<string, string> = {}) => {
      const proc = Bun.spawn([process.execPath, join(import.meta.dir, "../../../../runtime-bun/bin/clawgate.ts"), "config", "get", key], { cwd, env: { PATH: process.env.PATH!, HOME: home, NO_COLOR: "1", ...extra }, stdout: "pipe", stderr: "pipe" });
      return (await new Response(proc.stdout).text()).trim();
    };
    expect(await get("gateway.remote.url")).toBe("ws://cwd-wins:1");
    expect(await get("gateway.remote.url", { FROM_CWD: "process-wins" })).toBe("ws://process-wins:1");
    expect(await get("gateway.customBindHost")).toBe("state-wins");
    expect(await get("logging.file")).toBe("/vars/gw.log");
    // Writes keep the references, never the resolved values.
    await runCli(home, ["config", "set", "logging.level", "debug"]);
    expect(JSON.parse(readFileSync(path, "utf8")).logging.file).toBe("${FROM_VARS}/gw.log");
  });
});
