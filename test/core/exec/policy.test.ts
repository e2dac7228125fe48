/**
 * The exec policy (upstream's rules): modes map to security/ask; the host
 * document only tightens; an allowlist decision needs every segment to match
 * a path glob, a bare-name glob (PATH lookups only) with an optional argv
 * regex, or a stdin-only safe bin from a trusted directory.
 */
import { describe, expect, test } from "bun:test";
import type { AllowlistEntry } from "../../../core/approvals/document.ts";
import { splitCommand } from "../../../core/exec/command.ts";
import { exactArgPattern, globRegExp, judge, maxAsk, minSecurity, MODES } from "../../../core/exec/policy.ts";

const BINS: Record<string, string> = { rg: "/opt/bin/rg", git: "/usr/bin/git", sort: "/usr/bin/sort", jq: "/usr/bin/jq", cat: "/usr/bin/cat", mytool: "/home/u/bin/mytool" };
const ctx = (allowlist: Partial<AllowlistEntry>[], safeBins: string[] = []) => ({
  allowlist: allowlist.map((e, i) => ({ id: `e${i}`, pattern: "", ...e })) as AllowlistEntry[],
  safeBins, which: (name: string) => BINS[name], home: "/home/u", cwd: "/work",
});
const satisfied = (line: string, c: ReturnType<typeof ctx>) => judge(splitCommand(line)!, c).satisfied;

describe("modes and tightening", () => {
  test("upstream's mode table; the stricter security and the more asking ask win", () => {
    expect(MODES).toEqual({
      deny: { security: "deny", ask: "off" }, allowlist: { security: "allowlist", ask: "off" },
      ask: { security: "allowlist", ask: "on-miss" }, full: { security: "full", ask: "off" },
    });
    expect(minSecurity("full", "allowlist")).toBe("allowlist");
    expect(minSecurity("allowlist", "deny")).toBe("deny");
    expect(maxAsk("off", "on-miss")).toBe("on-miss");
    expect(maxAsk("always", "on-miss")).toBe("always");
  });
});

describe("allowlist matching", () => {
  test("path globs match the resolved binary; bare names match only PATH lookups", () => {
    expect(satisfied("rg foo", ctx([{ pattern: "/opt/**/rg" }]))).toBe(true);
    expect(satisfied("rg foo", ctx([{ pattern: "rg" }]))).toBe(true);
    expect(satisfied("./rg foo", ctx([{ pattern: "rg" }]))).toBe(false);
    expect(satisfied("mytool", ctx([{ pattern: "~/bin/*" }]))).toBe(true);
    expect(globRegExp("/usr/*/git", undefined).test("/usr/local/bin/git")).toBe(false);
  });

  test("every segment must match; argPattern narrows to exact arguments", () => {
    const c = ctx([{ pattern: "git", argPattern: exactArgPattern(["status"]) }, { pattern: "/opt/bin/rg" }]);
    expect(satisfied("git status && rg x", c)).toBe(true);
    expect(satisfied("git status && cat x", c)).toBe(false);
    expect(satisfied("git push", c)).toBe(false);
    expect(exactArgPattern(["a.b", "(x)"])).toBe("^a\\.b \\(x\\)$");
    // An invalid hand-written argPattern is a miss, not a crash.
    expect(satisfied("git status", ctx([{ pattern: "git", argPattern: "(" }]))).toBe(false);
  });

  test("NAME=value before a command never matches (it can change what runs)", () => {
    expect(satisfied("PATH=/tmp git status", ctx([{ pattern: "**" }, { pattern: "*" }]))).toBe(false);
  });

  test("safe bins: listed, from /bin or /usr/bin, flags only (stdin filters); jq never", () => {
    expect(satisfied("git log | sort -r", ctx([{ pattern: "git" }], ["sort"]))).toBe(true);
    expect(satisfied("sort /etc/shadow", ctx([], ["sort"]))).toBe(false);
    expect(satisfied("sort --output=x", ctx([], ["sort"]))).toBe(false);
    expect(satisfied("rg x", ctx([], ["rg"]))).toBe(false);
    expect(satisfied("jq .", ctx([], ["jq"]))).toBe(false);
  });

  test("the judged segments carry the resolved path and what matched", () => {
    expect(judge(splitCommand("git status | sort")!, ctx([{ pattern: "git" }], ["sort"])).segments).toEqual([
      { argv: ["git", "status"], resolvedPath: "/usr/bin/git", matchedBy: "git" },
      { argv: ["sort"], resolvedPath: "/usr/bin/sort", matchedBy: "safeBin" },
    ]);
  });
});
