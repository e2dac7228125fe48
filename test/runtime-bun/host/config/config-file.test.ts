/**
 * openclaw.json on disk (spec §11): atomic 0600 writes, the five-file .bak
 * ring, clobber refusals kept as .rejected.<timestamp>, symlink refusal,
 * conflicts with edits the writer did not see, the writers' lock, and the
 * temp copies a writer killed with SIGKILL leaves behind.
 */
import { afterEach, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigFile, removeStaleWriteFiles } from "../../../../runtime-bun/host/config-file.ts";
import { TEST_TOKEN } from "../../../harness/gateway.ts";
import { spawnGateway } from "../../../harness/process.ts";

const CONFLICT = "config changed since last load; re-run config.get and retry";

/** A real process that has exited (SIGKILL): its pid is free, as a killed writer's is. */
async function deadPid(): Promise<number> {
  const proc = Bun.spawn(["sleep", "30"]);
  proc.kill("SIGKILL");
  await proc.exited;
  return proc.pid;
}

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function fresh(): { dir: string; file: ConfigFile } {
  const dir = mkdtempSync(join(tmpdir(), "clawgate-cfgfile-"));
  dirs.push(dir);
  return { dir, file: new ConfigFile(join(dir, "openclaw.json")) };
}

const cfg = (port: number) => JSON.stringify({ gateway: { mode: "local", port } }, null, 2) + "\n";

describe("ConfigFile.write", () => {
  test("first write -> 0600 file, no backup, no temp files left", () => {
    const { dir, file } = fresh();
    expect(file.write(cfg(1), file.read())).toEqual({ ok: true });
    expect(statSync(file.path).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir)).toEqual(["openclaw.json"]);
  });

  test("seven writes -> the current file plus .bak, .bak.1 … .bak.4 holding the five previous versions", () => {
    const { dir, file } = fresh();
    for (let p = 1; p <= 7; p++) expect(file.write(cfg(p), file.read()).ok).toBe(true);
    expect(readdirSync(dir).sort()).toEqual(["openclaw.json", "openclaw.json.bak", "openclaw.json.bak.1", "openclaw.json.bak.2", "openclaw.json.bak.3", "openclaw.json.bak.4"]);
    expect(JSON.parse(readFileSync(file.path, "utf8")).gateway.port).toBe(7);
    expect(JSON.parse(readFileSync(`${file.path}.bak`, "utf8")).gateway.port).toBe(6);
    expect(JSON.parse(readFileSync(`${file.path}.bak.4`, "utf8")).gateway.port).toBe(2);
  });

  test("dropping gateway.mode -> refused, file unchanged, payload saved as .rejected.<timestamp>", () => {
    const { dir, file } = fresh();
    file.write(cfg(1), file.read());
    const result = file.write(JSON.stringify({ gateway: { port: 2 } }), file.read());
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.message).toStartWith(`Config write rejected: ${file.path} (gateway-mode-removed). Rejected payload saved to ${file.path}.rejected.`);
    expect(readFileSync(file.path, "utf8")).toBe(cfg(1));
    expect(readFileSync(result.rejectedPath!, "utf8")).toBe(JSON.stringify({ gateway: { port: 2 } }));
    expect(statSync(result.rejectedPath!).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir).some((f) => f.endsWith(".bak"))).toBe(false);
  });

  test("a symlinked config -> refused", () => {
    const { dir, file } = fresh();
    writeFileSync(join(dir, "real.json"), cfg(1));
    symlinkSync(join(dir, "real.json"), file.path);
    const result = file.write(cfg(2), file.read());
    expect(result).toMatchObject({ ok: false });
    expect(readFileSync(join(dir, "real.json"), "utf8")).toBe(cfg(1));
  });

  test("restore() replaces even an unreadable file and keeps it in the ring", () => {
    const { file } = fresh();
    writeFileSync(file.path, "{broken");
    expect(file.write(cfg(1), file.read()).ok).toBe(false);
    file.markGood(cfg(9));
    file.restore(file.lastGood()!);
    expect(readFileSync(file.path, "utf8")).toBe(cfg(9));
    expect(readFileSync(`${file.path}.bak`, "utf8")).toBe("{broken");
    expect(existsSync(`${file.path}.last-good`)).toBe(true);
  });
  test("markGood() with the text already recorded leaves the file alone; other text replaces it", () => {
    const { file } = fresh();
    const lastGood = `${file.path}.last-good`;
    file.markGood(cfg(1));
    const first = statSync(lastGood).ino;
    file.markGood(cfg(1));
    expect(statSync(lastGood).ino).toBe(first);
    file.markGood(cfg(2));
    expect(statSync(lastGood).ino).not.toBe(first);
    expect(file.lastGood()).toBe(cfg(2));
    expect(statSync(lastGood).mode & 0o777).toBe(0o600);
  });
});

describe("ConfigFile.write never replaces text it did not see", () => {
  test("an edit by another process after the read -> conflict, the edit kept, nothing left behind", async () => {
    const { dir, file } = fresh();
    file.write(cfg(1), null);
    const seen = file.read();
    // The manual edit: another real process rewrites the file after our read.
    expect(await Bun.spawn(["sh", "-c", `printf '%s' '${cfg(5).replace(/\n/g, " ")}' > "${file.path}"`]).exited).toBe(0);
    const edited = readFileSync(file.path, "utf8");
    expect(file.write(cfg(2), seen)).toEqual({ ok: false, conflict: true, message: CONFLICT });
    expect(readFileSync(file.path, "utf8")).toBe(edited);
    expect(readdirSync(dir).sort()).toEqual(["openclaw.json"]);
    // Control: based on what is there now, the write goes through.
    expect(file.write(cfg(2), file.read())).toEqual({ ok: true });
  });

  test("a file created after a read that found none -> conflict", () => {
    const { file } = fresh();
    writeFileSync(file.path, cfg(7));
    expect(file.write(cfg(1), null)).toMatchObject({ ok: false, conflict: true });
    expect(readFileSync(file.path, "utf8")).toBe(cfg(7));
  });

  test("<path>.lock held by a live writer -> conflict, file untouched; a dead writer's lock is taken over", async () => {
    const { file } = fresh();
    file.write(cfg(1), null);
    const live = Bun.spawn(["sleep", "30"]);
    try {
      writeFileSync(`${file.path}.lock`, String(live.pid));
      expect(file.write(cfg(2), file.read())).toEqual({ ok: false, conflict: true, message: CONFLICT });
      expect(readFileSync(file.path, "utf8")).toBe(cfg(1));
    } finally {
      live.kill("SIGKILL");
    }
    writeFileSync(`${file.path}.lock`, String(await deadPid()));
    expect(file.write(cfg(2), file.read())).toEqual({ ok: true });
    expect(existsSync(`${file.path}.lock`)).toBe(false);
  });
});

describe("writers killed with SIGKILL", () => {
  test("temp copies are 0600 from the start; the next gateway start removes a dead writer's, never a live one's", async () => {
    const { dir, file } = fresh();
    file.write(JSON.stringify({ gateway: { mode: "local", auth: { mode: "token", token: TEST_TOKEN } } }), null);
    // A writer in a loop of large writes, killed as soon as a temp copy exists.
    const writer = Bun.spawn([process.execPath, "-e", `
      import { ConfigFile } from ${JSON.stringify(join(import.meta.dir, "../../../../runtime-bun/host/config-file.ts"))};
      const file = new ConfigFile(process.argv.at(-1));
      const token = ${JSON.stringify(TEST_TOKEN)} + "x".repeat(1_000_000);
      for (let i = 0; ; i++) file.write(JSON.stringify({ gateway: { mode: "local", auth: { mode: "token", token } }, n: i }), file.read());
    `, file.path]);
    let temps: string[] = [];
    while (temps.length === 0 && writer.exitCode === null) {
      temps = readdirSync(dir).filter((f) => f.endsWith(".tmp"));
      if (temps.length === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    writer.kill("SIGKILL");
    await writer.exited;
    expect(temps.length).toBeGreaterThan(0);
    for (const f of readdirSync(dir).filter((f) => f.endsWith(".tmp"))) expect(statSync(join(dir, f)).mode & 0o777).toBe(0o600);
    // Whatever the kill left, plus one more copy named for the dead writer and one for a live writer.
    writeFileSync(join(dir, `openclaw.json.${writer.pid}.0123abcd.tmp`), `{"token":"${TEST_TOKEN}"}`, { mode: 0o600 });
    writeFileSync(join(dir, `openclaw.json.${process.pid}.0123abcd.tmp`), "{}", { mode: 0o600 });
    const child = await spawnGateway(dir, ["--port", "0"], { OPENCLAW_STATE_DIR: dir, OPENCLAW_CONFIG_PATH: file.path });
    try {
      expect(readdirSync(dir).filter((f) => f.endsWith(".tmp"))).toEqual([`openclaw.json.${process.pid}.0123abcd.tmp`]);
    } finally {
      child.proc.kill("SIGTERM");
      await child.proc.exited;
    }
    expect(removeStaleWriteFiles(file.path)).toEqual([]);
  }, 30_000);
});

