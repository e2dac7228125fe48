/** The gateway's own device identity (`gateway.identity.get`, spec §11). */
import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import nacl from "tweetnacl";
import { decodeBase64, encodeBase64Url, sha256Hex } from "../../core/device/encoding.ts";
import { loadOrCreateIdentity } from "../../runtime-bun/state.ts";

const dir = mkdtempSync(join(tmpdir(), "clawgate-identity-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test("created once (0600), stable across loads, and the Web Crypto key equals tweetnacl's for the seed", async () => {
  const first = await loadOrCreateIdentity(dir);
  const file = join(dir, "state", "gateway-identity.json");
  expect(statSync(file).mode & 0o777).toBe(0o600);
  const seed = decodeBase64(JSON.parse(readFileSync(file, "utf8")).seed)!;
  const expected = nacl.sign.keyPair.fromSeed(seed).publicKey;
  expect(first.publicKey).toBe(encodeBase64Url(expected));
  expect(first.deviceId).toBe(await sha256Hex(expected));
  expect(await loadOrCreateIdentity(dir)).toEqual(first);
});
