/** The gateway's own device identity (`gateway.identity.get`, spec §11). */
import { afterAll, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import nacl from "tweetnacl";
import { decodeBase64, encodeBase64Url, sha256Hex } from "../../core/device/encoding.ts";
import { loadOrCreateIdentity } from "../../runtime-bun/host/state.ts";
import { startTestGateway, TEST_TOKEN } from "../harness/gateway.ts";
import { connectClient } from "../harness/reference-client.ts";

const dir = mkdtempSync(join(tmpdir(), "clawgate-identity-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test("created once (0600) at load, derived on first use, stable across loads, and the Web Crypto key equals tweetnacl's for the seed", async () => {
  const file = join(dir, "state", "gateway-identity.json");
  const identity = loadOrCreateIdentity(dir);
  expect(existsSync(file)).toBe(true);
  expect(statSync(file).mode & 0o777).toBe(0o600);
  const first = await identity();
  const seed = decodeBase64(JSON.parse(readFileSync(file, "utf8")).seed)!;
  const expected = nacl.sign.keyPair.fromSeed(seed).publicKey;
  expect(first.publicKey).toBe(encodeBase64Url(expected));
  expect(first.deviceId).toBe(await sha256Hex(expected));
  expect(await identity()).toBe(first);
  expect(await loadOrCreateIdentity(dir)()).toEqual(first);
});

test("gateway.identity.get over a real socket answers the state dir's identity", async () => {
  const gw = await startTestGateway();
  try {
    const { client } = await connectClient({ url: gw.url, token: TEST_TOKEN });
    try {
      const answered: unknown = await client.request("gateway.identity.get", {});
      expect(answered).toEqual(await loadOrCreateIdentity(gw.dir)());
    } finally {
      client.stop();
    }
  } finally {
    await gw.stop();
  }
});
