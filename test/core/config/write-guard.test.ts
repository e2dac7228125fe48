/**
 * The clobber guard (spec §11): dropping gateway.mode or shrinking a 512+ byte
 * file below half is refused; small edits of small files are not.
 */
import { describe, expect, test } from "bun:test";
import { clobberReasons, rejectedPath, rejectionMessage } from "../../../core/config/write-guard.ts";

const big = JSON.stringify({ gateway: { mode: "local" }, models: { providers: { p: { baseUrl: "http://x", models: Array.from({ length: 30 }, (_, i) => `model-${i}`) } } } }, null, 2);

describe("clobberReasons", () => {
  test("a first write or an ordinary edit -> allowed", () => {
    expect(clobberReasons(null, "{}")).toEqual([]);
    expect(clobberReasons('{"gateway":{"mode":"local"}}', '{"gateway":{"mode":"local","port":1}}')).toEqual([]);
  });

  test("dropping gateway.mode -> gateway-mode-removed", () => {
    expect(clobberReasons('{"gateway":{"mode":"local"}}', '{"gateway":{}}')).toEqual(["gateway-mode-removed"]);
  });

  test("shrinking a 512+ byte file below half -> size-drop:<before>-><after>", () => {
    const next = '{"gateway":{"mode":"local"}}\n';
    const reasons = clobberReasons(big, next);
    expect(reasons).toHaveLength(1);
    expect(reasons[0]).toMatch(/^size-drop:\d+->29$/);
  });

  test("shrinking a small file is allowed (baseline under 512 bytes)", () => {
    expect(clobberReasons('{"gateway":{"mode":"local"},"logging":{"level":"debug","file":"/tmp/x.log"}}', '{"gateway":{"mode":"local"}}')).toEqual([]);
  });

  test("an unreadable current file blocks writes", () => {
    expect(clobberReasons("{oops", "{}")).toEqual(["unreadable-config-before-write"]);
  });

  test("rejected copy name and message follow upstream", () => {
    const p = rejectedPath("/s/openclaw.json", new Date("2026-01-02T03:04:05.678Z"));
    expect(p).toBe("/s/openclaw.json.rejected.2026-01-02T03-04-05-678Z");
    expect(rejectionMessage("/s/openclaw.json", ["gateway-mode-removed"], p)).toBe(`Config write rejected: /s/openclaw.json (gateway-mode-removed). Rejected payload saved to ${p}.`);
  });
});
