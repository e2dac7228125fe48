/**
 * Scenario: what checking a device proof costs the gateway per connect
 * (core/device/identity.ts verifyDeviceProof, spec §3), in-process.
 * Side by side: a valid v3 proof, a v2 proof (found after the v3 attempt
 * fails) and a forged signature (both attempts fail: the price an
 * unauthenticated peer can make the gateway pay), next to one Ed25519
 * verify through Web Crypto for the same payload as the floor.
 */
import { bench, do_not_optimize, summary } from "mitata";
import { verifyDeviceProof } from "../core/device/identity.ts";
import { base64Url, newDeviceKey, payloadV3 } from "./lib/device-key.ts";
import { ns, runBenches, statsOf } from "./lib/mitata-run.ts";
import { report } from "./lib/report.ts";

const key = newDeviceKey();
const nonce = crypto.randomUUID();
const signedAt = Date.now();
const fields = { clientId: "cli", clientMode: "cli", role: "operator", scopes: ["operator.admin"], token: "bench-token", platform: "linux", deviceFamily: "Linux" };
const params = { client: { id: "cli", mode: "cli", platform: "linux", deviceFamily: "Linux" }, role: "operator", scopes: ["operator.admin"], auth: { token: "bench-token" } };
const v3 = payloadV3(key.id, params, signedAt, nonce);
const v2 = ["v2", key.id, "cli", "cli", "operator", "operator.admin", String(signedAt), "bench-token", nonce].join("|");
const claim = (signature: string) => ({ id: key.id, publicKey: key.publicKey, signature, signedAt, nonce });
const validV3 = claim(key.sign(v3));
const validV2 = claim(key.sign(v2));
const forged = claim(base64Url(new Uint8Array(64).fill(7)));

// Sanity: the three claims behave as named before anything is timed.
if ((await verifyDeviceProof(validV3, fields, nonce, signedAt)).version !== "v3") throw new Error("v3 proof not accepted as v3");
if ((await verifyDeviceProof(validV2, fields, nonce, signedAt)).version !== "v2") throw new Error("v2 proof not accepted as v2");
if (await verifyDeviceProof(forged, fields, nonce, signedAt).then(() => true, () => false)) throw new Error("forged proof accepted");

const raw = Buffer.from(key.publicKey, "base64url");
const webKey = await crypto.subtle.importKey("raw", raw, { name: "Ed25519" }, false, ["verify"]);
const v3Bytes = new TextEncoder().encode(v3);
const v3Sig = Buffer.from(validV3.signature, "base64url");

summary(() => {
  bench("verifyDeviceProof v3 (valid)", async () => do_not_optimize(await verifyDeviceProof(validV3, fields, nonce, signedAt))).baseline();
  bench("verifyDeviceProof v2 (valid, after v3 miss)", async () => do_not_optimize(await verifyDeviceProof(validV2, fields, nonce, signedAt)));
  bench("verifyDeviceProof forged signature", async () => do_not_optimize(await verifyDeviceProof(forged, fields, nonce, signedAt).catch((e) => e)));
  bench("Web Crypto Ed25519 verify (same payload)", async () => do_not_optimize(await crypto.subtle.verify("Ed25519", webKey, v3Sig, v3Bytes)));
});
const stats = await runBenches();
const us = (name: string) => ns.toUs(statsOf(stats, name).p50);
const valid = us("verifyDeviceProof v3 (valid)");
const floor = us("Web Crypto Ed25519 verify (same payload)");
report({
  scenario: "device proof verification (in-process, per connect)",
  metrics: [
    { name: "verifyDeviceProof v3 p50", value: valid, unit: "µs" },
    { name: "verifyDeviceProof v2 p50", value: us("verifyDeviceProof v2 (valid, after v3 miss)"), unit: "µs" },
    { name: "verifyDeviceProof forged p50", value: us("verifyDeviceProof forged signature"), unit: "µs", note: "unauthenticated work per connect" },
    { name: "Web Crypto Ed25519 verify p50", value: floor, unit: "µs" },
    { name: "verifyDeviceProof / Web Crypto", value: valid / floor, unit: "x" },
  ],
});
