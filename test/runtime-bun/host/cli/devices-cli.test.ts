/**
 * `clawgate devices …` as a child process against a real gateway (spec §6,
 * §12): tables for people, JSON for scripts, upstream's wording and exit
 * codes, and the effect on what devices can do.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { runCliIsolated as runCli } from "../../../harness/process.ts";
import { newDevice, requestPairing, signedConnectParams } from "../../../harness/device.ts";
import { startTestGateway, TEST_TOKEN, type TestGateway } from "../../../harness/gateway.ts";
import { RawSocket } from "../../../harness/raw-socket.ts";

let gw: TestGateway;
let conn: string[];
const devices = (...args: string[]) => runCli(["devices", ...args, ...conn]);

beforeAll(async () => {
  gw = await startTestGateway();
  conn = ["--url", gw.url, "--token", TEST_TOKEN];
});
afterAll(() => gw.stop());

/** Whether the device can now connect with the shared token (no new request). */
async function deviceConnects(device: ReturnType<typeof newDevice>, scopes: string[]): Promise<boolean> {
  const sock = await RawSocket.open(gw.url, { Origin: "http://127.0.0.1" });
  try {
    return (await sock.request("connect", signedConnectParams(device, { nonce: sock.nonce, token: TEST_TOKEN, scopes }), "c1")).ok === true;
  } finally {
    sock.close();
  }
}

describe("devices list / approve / reject", () => {
  test("empty gateway -> 'No device pairing entries.'; --json -> {pending:[], paired:[]}", async () => {
    expect(await devices("list")).toEqual({ code: 0, stdout: "No device pairing entries.\n", stderr: "" });
    const json = await devices("list", "--json");
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual({ pending: [], paired: [] });
  });

  test("pending request -> table; approve without id previews it and exits 1; approve <id> pairs the device", async () => {
    const device = newDevice();
    const scopes = ["operator.read", "operator.write"];
    const requestId = await requestPairing(gw.url, device, { token: TEST_TOKEN, scopes });

    const list = await devices("list");
    expect(list.code).toBe(0);
    expect(list.stdout).toStartWith("Pending (1)\n┌");
    expect(list.stdout).toContain(`│ ${requestId} │ ${device.identity.deviceId} · 127.0.0.1 │ roles: operator; scopes: operator.read, operator.write │ none     │ just now │ new pairing │`);

    const preview = await devices("approve");
    expect(preview.code).toBe(1);
    expect(preview.stdout).toContain(`Selected pending device request ${requestId}\n  Device: ${device.identity.deviceId}\n  Requested: roles: operator; scopes: operator.read, operator.write\n`);
    expect(preview.stdout).toContain("  Note:   First-time device pairing request.");
    expect(preview.stderr).toBe(`Approve this exact request with: clawgate devices approve ${requestId} --url ${gw.url}\nReuse the same --token option when rerunning.\n`);
    const latestJson = await devices("approve", "--latest", "--json");
    expect(latestJson.code).toBe(1);
    expect(JSON.parse(latestJson.stdout)).toMatchObject({ selected: { requestId }, approvalState: { kind: "new-pairing", approved: null }, requiresAuthFlags: { token: true, password: false } });
    expect(await deviceConnects(device, scopes)).toBe(false);

    const approved = await devices("approve", requestId);
    expect(approved).toEqual({ code: 0, stdout: `Approved ${device.identity.deviceId} (${requestId})\n`, stderr: "" });
    expect(await deviceConnects(device, scopes)).toBe(true);

    const after = JSON.parse((await devices("list", "--json")).stdout);
    expect(after.pending).toEqual([]);
    expect(after.paired.find((d: any) => d.deviceId === device.identity.deviceId)).toMatchObject({ roles: ["operator"], scopes, approvedVia: "owner" });
  });

  test("a device asking for operator.admin: the CLI asks for admin to grant it (pairing alone is refused)", async () => {
    const device = newDevice();
    const requestId = await requestPairing(gw.url, device, { token: TEST_TOKEN, scopes: ["operator.admin"] });
    expect((await devices("approve", requestId, "--json")).code).toBe(0);
    expect(await deviceConnects(device, ["operator.admin"])).toBe(true);
  });

  test("unknown request id -> exit 1 with upstream's hint", async () => {
    const r = await devices("approve", "no-such-request");
    expect(r).toEqual({ code: 1, stdout: "", stderr: "error No pending device request matches no-such-request. Run `clawgate devices list` and retry with the current request ID.\n" });
  });

  test("reject <id> -> 'Rejected <deviceId>'; the request is gone", async () => {
    const device = newDevice();
    const requestId = await requestPairing(gw.url, device, { token: TEST_TOKEN, scopes: ["operator.read"] });
    expect(await devices("reject", requestId)).toEqual({ code: 0, stdout: `Rejected ${device.identity.deviceId}\n`, stderr: "" });
    const again = await devices("reject", requestId, "--json");
    expect(again.code).toBe(1);
    expect(JSON.parse(again.stdout)).toEqual({ ok: false, error: { type: "cli_error", message: "unknown requestId" } });
  });

  test("no pending requests -> approve says so, exit 1", async () => {
    expect(await devices("approve")).toEqual({ code: 1, stdout: "", stderr: "error No pending device pairing requests to approve\n" });
  });
});

describe("devices rename / rotate / revoke / remove", () => {
  test("a paired device is renamed, its token rotated and revoked, then removed", async () => {
    const device = newDevice();
    const { deviceId } = device.identity;
    await devices("approve", await requestPairing(gw.url, device, { token: TEST_TOKEN, scopes: ["operator.read"] }));

    expect(await devices("rename", "--device", deviceId, "--name", "Kitchen Mac")).toEqual({ code: 0, stdout: `Renamed ${deviceId} → Kitchen Mac\n`, stderr: "" });
    expect((await devices("list")).stdout).toMatch(new RegExp(`│ Kitchen Mac +│ ${deviceId} │ operator │ operator.read +│ none +│ 127.0.0.1 │`));

    const rotated = await devices("rotate", "--device", deviceId, "--role", "operator");
    expect(rotated.code).toBe(0);
    expect(JSON.parse(rotated.stdout)).toEqual({ deviceId, role: "operator", scopes: ["operator.read"], rotatedAtMs: expect.any(Number), tokenDelivery: "withheld-cross-device" });
    expect((await devices("list")).stdout).toMatch(new RegExp(`│ Kitchen Mac +│ ${deviceId} │ operator │ operator.read +│ operator │`));

    const revoked = await devices("revoke", "--device", deviceId, "--role", "operator");
    expect(revoked.code).toBe(0);
    expect(JSON.parse(revoked.stdout)).toEqual({ deviceId, role: "operator", revokedAtMs: expect.any(Number) });
    const again = await devices("revoke", "--device", deviceId, "--role", "operator");
    expect(again).toEqual({ code: 1, stdout: "", stderr: "error device token revocation denied\n" });

    expect(await devices("remove", deviceId)).toEqual({ code: 0, stdout: `Removed ${deviceId}\n`, stderr: "" });
    expect(await deviceConnects(device, ["operator.read"])).toBe(false);
    const gone = await devices("remove", deviceId, "--json");
    expect(gone.code).toBe(1);
    expect(JSON.parse(gone.stdout)).toEqual({ ok: false, error: { type: "cli_error", message: "unknown deviceId" } });
  });

  test("rotate with --scope beyond the approval -> device token rotation denied", async () => {
    const device = newDevice();
    await devices("approve", await requestPairing(gw.url, device, { token: TEST_TOKEN, scopes: ["operator.read"] }));
    const r = await devices("rotate", "--device", device.identity.deviceId, "--role", "operator", "--scope", "operator.read", "--scope", "operator.write");
    expect(r).toEqual({ code: 1, stdout: "", stderr: "error device token rotation denied\n" });
  });

  test("missing required options -> upstream's message, exit 1", async () => {
    expect(await devices("rotate", "--device", "x")).toEqual({ code: 1, stdout: "", stderr: "error --device and --role are required. Run `clawgate devices list` to choose a paired device.\n" });
    expect(await devices("rename", "--device", "x")).toEqual({ code: 1, stdout: "", stderr: "error --device and --name are required. Run `clawgate devices list` to choose a paired device.\n" });
    expect((await devices("remove")).stderr).toBe("error deviceId is required. Run `clawgate devices list` to choose a paired device.\n");
  });
});

describe("connection failures", () => {
  test("--url without credentials -> gateway_credentials_required, exit 1", async () => {
    const r = await runCli(["devices", "list", "--url", gw.url, "--json"]);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toEqual({ ok: false, error: { type: "gateway_credentials_required", message: "--url requires explicit credentials (--token or --password)" } });
  });

  test("nothing listening -> gateway_transport_error with the URL, exit 1", async () => {
    const r = await runCli(["devices", "list", "--url", "ws://127.0.0.1:9", "--token", "x", "--json"]);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toEqual({ ok: false, error: { type: "gateway_transport_error", kind: "closed", message: "Gateway not reachable at ws://127.0.0.1:9 (ECONNREFUSED).", gateway: { url: "ws://127.0.0.1:9", urlSource: "flag" } } });
  });

  test("wrong token -> the gateway's refusal text, exit 1", async () => {
    const r = await runCli(["devices", "list", "--url", gw.url, "--token", "wrong"]);
    expect(r).toEqual({ code: 1, stdout: "", stderr: "error unauthorized: gateway token mismatch (use this gateway's gateway.auth.token or pair the device)\n" });
  });
});
