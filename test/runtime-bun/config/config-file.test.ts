/**
 * openclaw.json on disk (spec §11): atomic 0600 writes, the five-file .bak
 * ring, clobber refusals kept as .rejected.<timestamp>, symlink refusal.
 */
import { afterEach, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigFile } from "../../../runtime-bun/config-file.ts";

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
    expect(file.write(cfg(1))).toEqual({ ok: true });
    expect(statSync(file.path).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir)).toEqual(["openclaw.json"]);
  });

  test("seven writes -> the current file plus .bak, .bak.1 … .bak.4 holding the five previous versions", () => {
    const { dir, file } = fresh();
    for (let p = 1; p <= 7; p++) expect(file.write(cfg(p)).ok).toBe(true);
    expect(readdirSync(dir).sort()).toEqual(["openclaw.json", "openclaw.json.bak", "openclaw.json.bak.1", "openclaw.json.bak.2", "openclaw.json.bak.3", "openclaw.json.bak.4"]);
    expect(JSON.parse(readFileSync(file.path, "utf8")).gateway.port).toBe(7);
    expect(JSON.parse(readFileSync(`${file.path}.bak`, "utf8")).gateway.port).toBe(6);
    expect(JSON.parse(readFileSync(`${file.path}.bak.4`, "utf8")).gateway.port).toBe(2);
  });

  test("dropping gateway.mode -> refused, file unchanged, payload saved as .rejected.<timestamp>", () => {
    const { dir, file } = fresh();
    file.write(cfg(1));
    const result = file.write(JSON.stringify({ gateway: { port: 2 } }));
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
    const result = file.write(cfg(2));
    expect(result).toMatchObject({ ok: false });
    expect(readFileSync(join(dir, "real.json"), "utf8")).toBe(cfg(1));
  });

  test("restore() replaces even an unreadable file and keeps it in the ring", () => {
    const { file } = fresh();
    writeFileSync(file.path, "{broken");
    expect(file.write(cfg(1)).ok).toBe(false);
    file.markGood(cfg(9));
    file.restore(file.lastGood()!);
    expect(readFileSync(file.path, "utf8")).toBe(cfg(9));
    expect(readFileSync(`${file.path}.bak`, "utf8")).toBe("{broken");
    expect(existsSync(`${file.path}.last-good`)).toBe(true);
  });
});
