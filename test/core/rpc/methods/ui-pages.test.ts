/**
 * What the upstream Control UI's other pages call (Dashboards, Systems,
 * Automations, Plugins, Activity, Devices, Channels), in memory, with the
 * params the UI sends (recorded from openclaw 2026.9.6's dist/control-ui by
 * test/interop/control-ui-upstream.test.ts): accepted, answered in
 * upstream's result shapes with the empty truth where clawgate has no such
 * feature, and the scope table's rules (§5).
 */
import { afterEach, describe, expect, test } from "bun:test";
import { MEMORY_TOKEN, memoryGateway, type MemoryGateway } from "../../../harness/memory-gateway.ts";

const ALL_OPERATOR = ["operator.admin", "operator.read", "operator.write", "operator.approvals", "operator.pairing"];
const NOW = 1_796_000_000_000;

/** The Dashboards and Systems pages' `sessions.list`. */
const BOARD_LIST = { includeGlobal: true, includeUnknown: true, configuredAgentsOnly: true, limit: 200, hasBoard: true, archived: "all", agentId: "main" };
/** The Activity page's `sessions.list`. */
const ACTIVITY_LIST = { archived: "all", includeGlobal: true, includeUnknown: true, includePeople: true, excludeSubagents: true, includeActivitySummary: true, includeDerivedTitles: true, sortBy: "activity", limit: 100, activeMinutes: 10080 };
/** The Automations page's `cron.list`. */
const AUTOMATIONS_LIST = { agentId: "main", includeDisabled: true, includeDeliveryPreviews: false, limit: 50, offset: 0, enabled: "all", scheduleKind: "all", lastRunStatus: "all", trigger: "all", sortBy: "nextRunAtMs", sortDir: "asc" };

let gw: MemoryGateway | undefined;
afterEach(() => gw?.stop());

/** A local backend client with `scopes`; `call` sends one request. */
async function operator(scopes = ALL_OPERATOR): Promise<(method: string, params?: unknown) => Promise<any>> {
  const mem = (gw = memoryGateway({ now: () => NOW }));
  const conn = await mem.open();
  const params = { minProtocol: 4, maxProtocol: 4, client: { id: "gateway-client", version: "0.0.0", platform: "linux", mode: "backend" }, auth: { token: MEMORY_TOKEN }, role: "operator", scopes };
  expect((await mem.request(conn, "c", "connect", params)).ok).toBe(true);
  let n = 0;
  return (method, p = {}) => mem.request(conn, `r${n++}`, method, p);
}

describe("sessions.list with the pages' params", () => {
  test("hasBoard true (Dashboards, Systems) -> no rows: clawgate keeps no session dashboards; false -> every row", async () => {
    const call = await operator();
    expect((await call("sessions.patch", { key: "main", label: "kept" })).ok).toBe(true);
    expect((await call("sessions.list", BOARD_LIST)).payload).toMatchObject({ count: 0, totalCount: 0, sessions: [] });
    const all = (await call("sessions.list", { ...BOARD_LIST, hasBoard: false })).payload;
    expect(all.sessions.map((s: any) => s.key)).toEqual(["agent:main:main"]);
  });

  test("Activity: sortBy activity, includePeople, excludeSubagents, includeActivitySummary -> the rows and an empty people facet", async () => {
    const call = await operator();
    expect((await call("sessions.patch", { key: "main", label: "kept" })).ok).toBe(true);
    const page = (await call("sessions.list", ACTIVITY_LIST)).payload;
    expect(page).toMatchObject({ count: 1, people: [], peopleIncomplete: false, peopleSessionCount: 0 });
    expect(page.sessions.map((s: any) => s.key)).toEqual(["agent:main:main"]);
    expect((await call("sessions.list", { limit: 5 })).payload.people).toBeUndefined();
  });

  test("a value outside upstream's enums -> INVALID_REQUEST naming it", async () => {
    const call = await operator();
    const res = await call("sessions.list", { ...ACTIVITY_LIST, sortBy: "size" });
    expect(res.error.code).toBe("INVALID_REQUEST");
    expect(res.error.message).toContain("sortBy");
  });
});

describe("cron.list with the Automations page's params", () => {
  test("trigger all/unconditional -> every job; conditional -> none (no job has a trigger condition); a bad trigger -> INVALID_REQUEST", async () => {
    const call = await operator();
    const job = { name: "tick", schedule: { kind: "every", everyMs: 60_000 }, sessionTarget: "main", wakeMode: "next-heartbeat", payload: { kind: "systemEvent", text: "tick" } };
    expect((await call("cron.add", job)).ok).toBe(true);
    expect((await call("cron.list", AUTOMATIONS_LIST)).payload).toMatchObject({ total: 1, jobs: [{ name: "tick" }] });
    expect((await call("cron.list", { ...AUTOMATIONS_LIST, trigger: "unconditional" })).payload.total).toBe(1);
    expect((await call("cron.list", { ...AUTOMATIONS_LIST, trigger: "conditional" })).payload).toMatchObject({ total: 0, jobs: [] });
    const bad = await call("cron.list", { ...AUTOMATIONS_LIST, trigger: "sometimes" });
    expect(bad.error.code).toBe("INVALID_REQUEST");
    expect(bad.error.message).toContain("trigger");
  });
});

describe("new methods", () => {
  test("plugins.list {} -> the empty catalog, no mutation; any param -> INVALID_REQUEST", async () => {
    const call = await operator();
    expect((await call("plugins.list")).payload).toEqual({ plugins: [], diagnostics: [], mutationAllowed: false });
    expect((await call("plugins.list", { all: true })).error.code).toBe("INVALID_REQUEST");
    expect((await call("plugins.catalog.browse", { searchSource: "openclaw-control-ui", intent: "all", pageSize: 24 })).payload).toEqual({ items: [] });
    expect((await call("plugins.catalog.browse", { intent: "newest" })).error.code).toBe("INVALID_REQUEST");
  });

  test("system.info {} -> the host's identity and resources from the shim, in upstream's shape", async () => {
    const call = await operator();
    const info = (await call("system.info")).payload;
    expect(info).toEqual({
      machineName: "memory-host", hostname: "memory-host", platform: "linux", release: "6.1.0", arch: "x64", osLabel: "linux 6.1.0 (x64)",
      nodeVersion: "bun", pid: 1, processInstanceId: gw!.gateway.bootId, uptimeMs: 0, cpuCount: 2, loadAverage: [0.5, 0.25, 0.125],
      memoryTotalBytes: 8 * 2 ** 30, memoryFreeBytes: 2 ** 30, defaultAgentUtilityModel: { status: "unavailable" },
    });
  });

  test("environments.list {includeDesktopSetup} -> the gateway's local environment, no desktop host; profiles projection -> none", async () => {
    const call = await operator();
    const local = { id: "gateway", type: "local", label: "Gateway local", status: "available", platform: "linux", sessionHost: true, trust: "persistent", capabilities: ["agent.run", "sessions", "tools", "workspace"] };
    expect((await call("environments.list", { includeDesktopSetup: true })).payload).toEqual({ environments: [{ ...local, desktopSetup: { state: "unsupported" } }] });
    expect((await call("environments.list")).payload).toEqual({ environments: [local] });
    expect((await call("environments.list", { projection: "profiles" })).payload).toEqual({ environments: [] });
    expect((await call("environments.list", { projection: "all" })).error.code).toBe("INVALID_REQUEST");
  });

  test("scopes (§5): a read-only operator reads all three; environments.list for a runtime needs write", async () => {
    const call = await operator(["operator.read"]);
    for (const name of ["plugins.list", "system.info", "environments.list"]) expect((await call(name)).ok).toBe(true);
    expect((await call("environments.list", { runtimeId: "clawgate" })).error).toMatchObject({ code: "FORBIDDEN", message: "missing scope: operator.write" });
  });
});
