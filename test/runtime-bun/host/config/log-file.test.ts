/**
 * The JSONL log (spec §11): rotation at logging.maxFileBytes keeping five
 * archives, levels applied live, secrets masked, floods coalesced.
 */
import { afterEach, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FileLogger } from "../../../../runtime-bun/host/log-file.ts";

const dirs: string[] = [];
const loggers: FileLogger[] = [];
afterEach(() => {
  for (const l of loggers.splice(0)) l.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function logger(opts: { maxFileBytes?: number; level?: string; now?: () => number } = {}): FileLogger {
  const dir = mkdtempSync(join(tmpdir(), "clawgate-log-"));
  dirs.push(dir);
  const l = new FileLogger(join(dir, "logs", "gateway.log"), opts.level ?? "info", null, opts.maxFileBytes, opts.now);
  loggers.push(l);
  return l;
}

const records = (path: string) => readFileSync(path, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l));

describe("FileLogger", () => {
  test("records are JSONL {time, level, subsystem, message, …fields} in a 0600 file", () => {
    const l = logger();
    l.info("gateway", "listening", { port: 1 });
    expect(records(l.file)).toEqual([{ time: expect.any(String), level: "info", subsystem: "gateway", message: "listening", port: 1 }]);
    expect(statSync(l.file).mode & 0o777).toBe(0o600);
  });

  test("rotation at maxFileBytes keeps five archives and drops the oldest", () => {
    const l = logger({ maxFileBytes: 400 });
    for (let i = 0; i < 200; i++) l.info("test", `record ${i} ${"x".repeat(40)}`);
    const dir = join(l.file, "..");
    expect(readdirSync(dir).sort()).toEqual(["gateway.log", "gateway.log.1", "gateway.log.2", "gateway.log.3", "gateway.log.4", "gateway.log.5"]);
    for (const f of readdirSync(dir)) expect(statSync(join(dir, f)).size).toBeLessThanOrEqual(400);
    expect(records(l.file).at(-1).message).toStartWith("record 199 ");
    expect(existsSync(`${l.file}.6`)).toBe(false);
  });

  test("configure() applies a new level and file to the next record", () => {
    const l = logger({ level: "warn" });
    l.info("a", "hidden");
    l.configure({ level: "debug" });
    l.debug("a", "shown");
    const other = join(l.file, "..", "other.log");
    l.configure({ level: "info", file: other });
    l.info("a", "moved");
    expect(records(l.file.replace("other.log", "gateway.log")).map((r) => r.message)).toEqual(["shown"]);
    expect(records(other).map((r) => r.message)).toEqual(["moved"]);
  });

  test("secrets never reach the file: registered values, secret-named fields, token=… and Bearer patterns", () => {
    const l = logger();
    l.addSecret("s3cret-token-value");
    l.warn("auth", "client sent s3cret-token-value in the wrong place", { token: "other-secret", nested: { apiKey: "k-123456", fine: "ok" }, header: "Bearer abcdefghijkl", query: "a=1&token=zzzzzzzz" });
    const text = readFileSync(l.file, "utf8");
    for (const secret of ["s3cret-token-value", "other-secret", "k-123456", "abcdefghijkl", "zzzzzzzz"]) expect(text).not.toContain(secret);
    expect(records(l.file)[0]).toMatchObject({ message: "client sent *** in the wrong place", token: "[redacted]", nested: { apiKey: "[redacted]", fine: "ok" }, header: "Bearer ***", query: "a=1&token=***" });
  });

  test("10,000 identical records -> 5 written, then one counted summary when the window ends", () => {
    let now = Date.parse("2026-01-01T00:00:00Z");
    const l = logger({ now: () => now });
    for (let i = 0; i < 10_000; i++) l.warn("gateway/ws", "connect refused", { remote: `10.0.0.${i % 250}` });
    l.info("gateway", "something else");
    now += 61_000;
    l.flushFloods(false);
    const out = records(l.file);
    expect(out.filter((r) => r.message === "connect refused")).toHaveLength(5);
    const summary = out.find((r) => r.coalesced !== undefined);
    expect(summary).toMatchObject({ level: "warn", subsystem: "gateway/ws", coalesced: 9_995, message: "connect refused (repeated 9995 more times in 61s; coalesced)", lastFields: { remote: "10.0.0.249" } });
    expect(out).toHaveLength(7);
  });

  test("close() writes pending summaries", () => {
    const l = logger();
    for (let i = 0; i < 8; i++) l.error("channel", "crashed; restarting");
    l.close();
    loggers.splice(loggers.indexOf(l), 1);
    expect(records(l.file).at(-1)).toMatchObject({ coalesced: 3 });
  });
});
