/**
 * Node command policy (spec §5, §8): platform ids, allowlists, config
 * allow/deny, refusal texts and the scopes approval and invoke need.
 */
import { describe, expect, test } from "bun:test";
import {
  approveScopesFor, checkCommand, commandAllowlist, DANGEROUS_NODE_COMMANDS, invokeScopeFor, nodeHostMetadata, platformId, refusalMessage,
} from "../../../core/nodes/policy.ts";

describe("platform ids (§8)", () => {
  test.each([
    [{ platform: "linux", deviceFamily: "Linux" }, "linux"],
    [{ platform: "linux" }, "unknown"],
    [{ clientId: "node-host", clientMode: "node", platform: "linux" }, "linux"],
    [{ clientId: "node-host", clientMode: "node", platform: "darwin" }, "macos"],
    [{ clientId: "node-host", clientMode: "node", platform: "win32" }, "windows"],
    [{ platform: "iOS 19.1", deviceFamily: "iPhone" }, "ios"],
    [{ platform: "android 15 (sdk 35)", deviceFamily: "Android" }, "android"],
    [{ platform: "macos", deviceFamily: "Windows" }, "unknown"],
    [{ deviceFamily: "MacBook Pro" }, "macos"],
    [{}, "unknown"],
  ])("%o -> %s", (node, id) => {
    expect(platformId(node)).toBe(id as never);
  });

  test("node host aliases fill the family but never override a conflicting one", () => {
    expect(nodeHostMetadata({ clientId: "node-host", clientMode: "node", platform: "darwin" })).toEqual({ platform: "macos", deviceFamily: "Mac" });
    expect(nodeHostMetadata({ clientId: "node-host", clientMode: "node", platform: "darwin", deviceFamily: "iPad" })).toEqual({ platform: "darwin", deviceFamily: "iPad" });
    expect(nodeHostMetadata({ clientId: "openclaw-ios", clientMode: "node", platform: "darwin" })).toEqual({ platform: "darwin", deviceFamily: undefined });
  });
});

describe("allowlists (§8)", () => {
  const linux = { platform: "linux", deviceFamily: "Linux" };

  test("desktop host commands are declarable at pairing, invocable only once approved", () => {
    expect(commandAllowlist(undefined, linux, { forPairing: true }).has("system.run")).toBe(true);
    expect(commandAllowlist(undefined, linux).has("system.run")).toBe(false);
    expect(commandAllowlist(undefined, linux, { approved: ["system.run"] }).has("system.run")).toBe(true);
    expect(commandAllowlist(undefined, linux).has("system.notify")).toBe(true);
  });

  test("dangerous defaults need config allow at invoke time; deny removes anything", () => {
    for (const c of DANGEROUS_NODE_COMMANDS) expect(commandAllowlist(undefined, { platform: "iOS 19", deviceFamily: "iPhone" }).has(c)).toBe(false);
    expect(commandAllowlist({ allow: ["camera.snap"] }, { platform: "ios", deviceFamily: "iPhone" }).has("camera.snap")).toBe(true);
    expect(commandAllowlist({ deny: ["system.notify"] }, linux).has("system.notify")).toBe(false);
    // At pairing a denied dangerous default stays declarable, so approval can record it.
    expect(commandAllowlist({ allow: ["camera.snap"], deny: ["camera.snap"] }, linux, { forPairing: true }).has("camera.snap")).toBe(true);
  });

  test("talk commands follow a talk surface; worker controls are never allowed", () => {
    expect(commandAllowlist(undefined, { ...linux, caps: ["talk"] }).has("talk.ptt.start")).toBe(true);
    expect(commandAllowlist(undefined, linux).has("talk.ptt.start")).toBe(false);
    expect(commandAllowlist({ allow: ["worker.launch.v1"] }, linux).has("worker.launch.v1")).toBe(false);
  });

  test("checkCommand reasons in upstream's order", () => {
    const allow = commandAllowlist(undefined, linux);
    expect(checkCommand(" ", [], allow)).toBe("command required");
    expect(checkCommand("x", ["x"], allow)).toBe("command not allowlisted");
    expect(checkCommand("system.notify", [], allow)).toBe("node did not declare commands");
    expect(checkCommand("system.notify", ["computer.act"], allow)).toBe("command not declared by node");
    expect(checkCommand("system.notify", ["system.notify"], allow)).toBeNull();
  });

  test("refusal texts (§8), byte for byte", () => {
    const node = { platform: "linux", declaredCommands: ["system.notify"] };
    expect(refusalMessage("command not allowlisted", "x", node, undefined)).toBe('node command not allowed: "x" is not in the allowlist for platform "linux"');
    expect(refusalMessage("command not allowlisted", "talk.ptt.start", node, undefined)).toBe('node command not allowed: "talk.ptt.start" requires a trusted Talk-capable node');
    expect(refusalMessage("command not declared by node", "x", node, undefined)).toBe('node command not allowed: the node (platform: linux) does not support "x"');
    expect(refusalMessage("node did not declare commands", "y", node, undefined)).toBe("node command not allowed: the node did not declare any supported commands");
  });
});

describe("scopes (§5)", () => {
  test("approval: pairing, + write for commands, + admin for host-level ones", () => {
    expect(approveScopesFor([])).toEqual(["operator.pairing"]);
    expect(approveScopesFor(["system.notify"])).toEqual(["operator.pairing", "operator.write"]);
    for (const c of ["system.run", "system.run.prepare", "system.which", "browser.proxy", "fs.listDir", "system.execApprovals.set"]) {
      expect(approveScopesFor(["system.notify", c])).toEqual(["operator.pairing", "operator.admin"]);
    }
  });

  test("invoke: admin for system.run*, system.which, browser.proxy*, fs.listDir; nothing extra otherwise", () => {
    for (const c of ["system.run", "system.run.prepare", "system.which", "browser.proxy", "browser.proxy.upload.v1", "fs.listDir", "terminal.upload"]) expect(invokeScopeFor(c)).toBe("operator.admin");
    expect(invokeScopeFor("system.notify")).toBeUndefined();
  });
});
