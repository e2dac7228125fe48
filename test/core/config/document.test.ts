/**
 * Reading openclaw.json (spec §11): JSON5, upstream's issue wording, `${VAR}`
 * substitution, and keys clawgate does not read reported but kept.
 */
import { describe, expect, test } from "bun:test";
import { formatConfigIssues, parseConfigText, snapshotConfig } from "../../../core/config/document.ts";

const PATH = "/state/openclaw.json";

describe("snapshotConfig", () => {
  test("JSON5 with comments and trailing commas -> valid config", () => {
    const s = snapshotConfig(PATH, `{ // local gateway\n gateway: { mode: "local", port: 19001, }, }`, {});
    expect(s.valid).toBe(true);
    expect(s.config?.gateway?.port).toBe(19001);
    expect(s.issues).toEqual([]);
  });

  test("a bad bind mode -> upstream's wording with the allowed values in upstream's order", () => {
    const s = snapshotConfig(PATH, `{ gateway: { bind: "nope" } }`, {});
    expect(s.valid).toBe(false);
    expect(formatConfigIssues(s.issues)).toBe('gateway.bind: Invalid input (allowed: "auto", "lan", "loopback", "custom", "tailnet")');
    expect(s.issues[0]!.allowedValues).toEqual(["auto", "lan", "loopback", "custom", "tailnet"]);
  });

  test("unparseable text -> the JSON5 parser's SyntaxError text (§6)", () => {
    const s = snapshotConfig(PATH, "{jjj", {});
    expect(s.valid).toBe(false);
    expect(s.issues[0]!.message).toBe("SyntaxError: JSON5: invalid end of input at 1:5");
    expect(parseConfigText("[1]")).toEqual({ ok: false, message: "config must be a JSON5 object" });
  });

  test("keys clawgate does not read -> valid, listed as ignored and as warnings, kept in parsed", () => {
    const s = snapshotConfig(PATH, `{ gateway: { mode: "local", tailscale: { mode: "serve" } }, channels: { telegram: { token: "x" } }, agents: { list: [{ id: "a", workspace: "/w" }] } }`, {});
    expect(s.valid).toBe(true);
    expect(s.ignored).toEqual(["gateway.tailscale", "channels.telegram.token", "agents.list[0].workspace"]);
    expect(s.warnings.map((w) => w.path)).toEqual(["gateway.tailscale", "channels.telegram.token", "agents.list[0].workspace"]);
    expect((s.parsed as any).channels.telegram.token).toBe("x");
  });

  test("${VAR} resolves from the env; $${VAR} stays literal; a missing var stays visible with a warning", () => {
    const s = snapshotConfig(PATH, `{ gateway: { auth: { token: "\${GW_TOKEN}" }, remote: { url: "ws://\${HOST}:1/$\${KEEP}", token: "\${MISSING}" } } }`, { GW_TOKEN: "tok-123456", HOST: "h" });
    expect(s.config?.gateway?.auth?.token).toBe("tok-123456");
    expect(s.config?.gateway?.remote?.url).toBe("ws://h:1/${KEEP}");
    expect(s.config?.gateway?.remote?.token).toBe("${MISSING}");
    expect(s.warnings).toContainEqual({ path: "gateway.remote.token", message: "environment variable MISSING is not set; ${MISSING} left unresolved" });
    // The authored object keeps the reference, so a write does not bake the secret into the file.
    expect((s.parsed as any).gateway.auth.token).toBe("${GW_TOKEN}");
  });

  test("retired reload modes load as hybrid with a warning", () => {
    const s = snapshotConfig(PATH, `{ gateway: { reload: { mode: "hot" } } }`, {});
    expect(s.valid).toBe(true);
    expect(s.warnings.some((w) => w.path === "gateway.reload.mode")).toBe(true);
  });

  test("no file -> exists false, valid, empty config", () => {
    expect(snapshotConfig(PATH, null, {})).toMatchObject({ exists: false, valid: true, config: {} });
  });
});
