/**
 * `config set` refuses keys neither clawgate nor upstream knows (a typo), with
 * upstream's "Unrecognized key" text and a did-you-mean, and changes nothing;
 * upstream keys clawgate does not read stay settable, and the real `openclaw
 * config validate` accepts what clawgate wrote. Real child processes, real files.
 */
import { afterEach, describe, expect, test } from "bun:test";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { openclaw, openclawCliAvailable, SKIP_MESSAGE } from "../../../harness/openclaw-cli.ts";
import { freshHome, runCli } from "../../../harness/process.ts";

const homes: string[] = [];
afterEach(() => {
  for (const h of homes.splice(0)) rmSync(h, { recursive: true, force: true });
});

function home(config: unknown): { h: string; path: string } {
  const h = freshHome();
  homes.push(h);
  mkdirSync(join(h, ".openclaw"), { mode: 0o700 });
  const path = join(h, ".openclaw", "openclaw.json");
  writeFileSync(path, JSON.stringify(config, null, 2), { mode: 0o600 });
  return { h, path };
}

describe("config set: known keys", () => {
  test("gateway.bnd, gateway.auth.tokn, foo.bar -> refused with the nearest key; the file is byte-for-byte unchanged", async () => {
    const { h, path } = home({ gateway: { mode: "local", auth: { mode: "token", token: "t0ken-abcdef" } } });
    const before = readFileSync(path, "utf8");
    const bnd = await runCli(h, ["config", "set", "gateway.bnd", "lan"]);
    expect(bnd.code).toBe(1);
    expect(bnd.stderr.trim()).toBe('Config validation failed: gateway: Unrecognized key: "bnd" (neither clawgate nor OpenClaw 2026.9.6 knows it). Did you mean gateway.bind?');
    const tokn = await runCli(h, ["config", "set", "gateway.auth.tokn", "x"]);
    expect(tokn.stderr.trim()).toBe('Config validation failed: gateway.auth: Unrecognized key: "tokn" (neither clawgate nor OpenClaw 2026.9.6 knows it). Did you mean gateway.auth.token?');
    const foo = await runCli(h, ["config", "set", "foo.bar", "1"]);
    expect(foo.code).toBe(1);
    expect(foo.stderr).toStartWith('Config validation failed: <root>: Unrecognized key: "foo" (neither clawgate nor OpenClaw 2026.9.6 knows it). Known keys here: gateway, ');
    expect(readFileSync(path, "utf8")).toBe(before);
    // Control: the intended key is accepted.
    expect((await runCli(h, ["config", "set", "gateway.bind", "lan"])).code).toBe(0);
    expect(JSON.parse(readFileSync(path, "utf8")).gateway.bind).toBe("lan");
  }, 30_000);

  test("upstream keys clawgate does not read, map entries and array items -> accepted", async () => {
    const { h, path } = home({ gateway: { mode: "local" } });
    for (const [key, value] of [["tools.web.search.provider", "brave"], ["channels.telegram.botToken", "123:abc"], ["models.providers.ollama.baseUrl", "http://127.0.0.1:11434/v1"], ["agents.entries.work.name", "Work"], ["gateway.controlUi.allowedOrigins[0]", "https://a.example"]]) {
      const r = await runCli(h, ["config", "set", key!, value!]);
      expect({ key, code: r.code, stderr: r.stderr }).toEqual({ key, code: 0, stderr: "" });
    }
    const written = JSON.parse(readFileSync(path, "utf8"));
    expect(written.tools.web.search.provider).toBe("brave");
    expect(written.agents.entries.work.name).toBe("Work");
  }, 30_000);

  test("an unknown key already in the file -> kept on other writes and still editable", async () => {
    const { h, path } = home({ gateway: { mode: "local" }, legacyThing: { a: 1 } });
    expect((await runCli(h, ["config", "set", "gateway.port", "18800"])).code).toBe(0);
    expect(JSON.parse(readFileSync(path, "utf8")).legacyThing).toEqual({ a: 1 });
    expect((await runCli(h, ["config", "set", "legacyThing.a", "2"])).code).toBe(0);
    expect(JSON.parse(readFileSync(path, "utf8")).legacyThing).toEqual({ a: 2 });
    // Its new siblings are still typos.
    expect((await runCli(h, ["config", "set", "legacyThing.b", "2"])).code).toBe(1);
  }, 30_000);

  test("what clawgate's config set writes passes the real `openclaw config validate`", async () => {
    if (!openclawCliAvailable()) return console.warn(SKIP_MESSAGE);
    const { h } = home({ gateway: { mode: "local" } });
    await runCli(h, ["config", "set", "gateway.bnd", "lan"]);
    await runCli(h, ["config", "set", "foo.bar", "1"]);
    expect((await runCli(h, ["config", "set", "update.checkOnStart", "false"])).code).toBe(0);
    const real = await openclaw(["config", "validate"], h);
    expect(`${real.stdout}${real.stderr}`).not.toContain("Unrecognized key");
    expect(real.code).toBe(0);
  }, 60_000);
});
