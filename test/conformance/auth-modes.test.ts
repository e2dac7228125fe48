/**
 * The shared-secret modes other than token over real sockets (spec §4.1,
 * §4.2): `password` and `none` on every shim, each refusal with upstream's
 * text, detail code and 1008 close, next to an accepted control connect on
 * the same gateway. (`trusted-proxy` needs a proxy that is not loopback:
 * non-loopback.test.ts.)
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { serializeConfig } from "../../core/config/document.ts";
import { newDevice, signedConnectParams } from "../harness/device.ts";
import { childEnv } from "../harness/process.ts";
import { connected, connectParams, RawSocket } from "../harness/raw-socket.ts";
import { RUNTIMES, runtimeCommand, startRuntimeGateway, type RuntimeGateway } from "../harness/runtimes.ts";

const PASSWORD = "pw-correct-horse-battery-staple";
const CLI_CLIENT = { id: "cli", version: "0.0.0", platform: "linux", mode: "cli" };

/** Sends `params` (or params made for the challenge nonce) as the connect request; resolves with the refusal and the close that follows it. */
async function refused(url: string, params: Record<string, unknown> | ((nonce: string) => Record<string, unknown>)) {
  const sock = await RawSocket.open(url);
  const res = await sock.request("connect", typeof params === "function" ? params(sock.nonce) : params, "c1");
  return { ok: res.ok, error: res.error, close: await sock.waitClose() };
}

describe.each(RUNTIMES)("%s gateway", (runtime) => {
  describe("gateway.auth.mode: password", () => {
    let gw: RuntimeGateway;
    beforeAll(async () => {
      gw = await startRuntimeGateway(runtime, { config: { gateway: { auth: { mode: "password", password: PASSWORD } } } });
    }, 30_000);
    afterAll(() => gw?.stop());

    test("right password -> hello-ok with auth.method password; the session works", async () => {
      const { sock, hello } = await connected(gw.url, connectParams({ auth: { password: PASSWORD }, scopes: ["operator.read"] }));
      try {
        expect(hello.ok).toBe(true);
        expect(hello.payload.auth).toEqual({ method: "password", role: "operator", scopes: ["operator.read"] });
        expect((await sock.request("status")).ok).toBe(true);
      } finally {
        sock.close();
      }
    });

    test("the password in the token field -> accepted as the password (upstream reads either field)", async () => {
      const { sock, hello } = await connected(gw.url, connectParams({ auth: { token: PASSWORD } }));
      sock.close();
      expect(hello.payload.auth.method).toBe("password");
    });

    test("wrong password -> AUTH_PASSWORD_MISMATCH, close 1008 with the message", async () => {
      const message = "unauthorized: gateway password mismatch (provide gateway auth password)";
      expect(await refused(gw.url, connectParams({ auth: { password: "pw-wrong-wrong-wrong" } }))).toEqual({
        ok: false,
        error: { code: "INVALID_REQUEST", message, details: { code: "AUTH_PASSWORD_MISMATCH", authReason: "password_mismatch", canRetryWithDeviceToken: false, recommendedNextStep: "update_auth_credentials" } },
        close: { code: 1008, reason: message },
      });
    });

    test("a device but no password, from the local CLI -> AUTH_PASSWORD_MISSING with the CLI's hint", async () => {
      const message = "unauthorized: gateway password missing (use this gateway's gateway.auth.password)";
      const device = newDevice();
      expect(await refused(gw.url, (nonce) => signedConnectParams(device, { nonce, client: CLI_CLIENT, scopes: ["operator.read"] }))).toEqual({
        ok: false,
        error: { code: "INVALID_REQUEST", message, details: { code: "AUTH_PASSWORD_MISSING", authReason: "password_missing", canRetryWithDeviceToken: false, recommendedNextStep: "update_auth_configuration" } },
        close: { code: 1008, reason: message },
      });
    });

    test("no password and no device -> device identity required, 1008", async () => {
      expect(await refused(gw.url, connectParams({ client: CLI_CLIENT, auth: {} }))).toEqual({
        ok: false,
        error: { code: "NOT_PAIRED", message: "device identity required", details: { code: "DEVICE_IDENTITY_REQUIRED" } },
        close: { code: 1008, reason: "device identity required" },
      });
    });
  });

  describe("gateway.auth.mode: none", () => {
    let gw: RuntimeGateway;
    beforeAll(async () => {
      gw = await startRuntimeGateway(runtime, { config: { gateway: { auth: { mode: "none" } } } });
    }, 30_000);
    afterAll(() => gw?.stop());

    test("local backend client without any credential -> hello-ok with auth.method none, scopes kept", async () => {
      const { sock, hello } = await connected(gw.url, connectParams({ auth: undefined, scopes: ["operator.read"] }));
      try {
        expect(hello.payload.auth).toEqual({ method: "none", role: "operator", scopes: ["operator.read"] });
        expect((await sock.request("status")).ok).toBe(true);
      } finally {
        sock.close();
      }
    });

    test("device-less CLI client -> still needs a device identity (none skips only the secret), 1008", async () => {
      expect(await refused(gw.url, connectParams({ client: CLI_CLIENT, auth: undefined }))).toEqual({
        ok: false,
        error: { code: "NOT_PAIRED", message: "device identity required", details: { code: "DEVICE_IDENTITY_REQUIRED" } },
        close: { code: 1008, reason: "device identity required" },
      });
    });
  });

  test("mode none with a LAN bind -> exit 78 'Refusing to bind gateway to lan without auth.'", async () => {
    const dir = mkdtempSync(join(tmpdir(), "clawgate-none-"));
    try {
      const stateDir = join(dir, ".openclaw");
      mkdirSync(stateDir, { mode: 0o700 });
      writeFileSync(join(stateDir, "openclaw.json"), serializeConfig({ gateway: { auth: { mode: "none" } } }), { mode: 0o600 });
      const argv = await runtimeCommand(runtime);
      const proc = Bun.spawn([...argv, "gateway", "run", "--port", "0", "--bind", "lan"], { env: childEnv(dir, { OPENCLAW_STATE_DIR: stateDir }), stdout: "pipe", stderr: "pipe" });
      const [stderr, code] = await Promise.all([new Response(proc.stderr).text(), proc.exited]);
      expect(code).toBe(78);
      expect(stderr).toContain("Refusing to bind gateway to lan without auth.");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
