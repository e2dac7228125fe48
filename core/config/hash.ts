/**
 * Config revision hashes (spec §6 `config.get` `hash`): an HMAC over the
 * SHA-256 of the text under a per-installation key, so holders of
 * `operator.read` cannot test guesses of secrets against the hash. Same shape
 * as upstream: `hmac-sha256:v1:<base64url>`. Runtime-agnostic.
 */
import { encodeBase64Url, sha256Hex } from "../device/encoding.ts";

const RAW_DOMAIN = "openclaw.gateway.config-revision.raw.v1";
const RESOLVED_DOMAIN = "openclaw.gateway.config-revision.resolved.v1";

/** Computes revision hashes under one 32-byte key. */
export class ConfigHasher {
  private key?: Promise<CryptoKey>;

  constructor(private readonly secret: Uint8Array) {
    if (secret.byteLength !== 32) throw new Error("config revision key must be 32 bytes");
  }

  private async project(domain: string, text: string): Promise<string> {
    this.key ??= crypto.subtle.importKey("raw", this.secret as Uint8Array<ArrayBuffer>, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
    const message = new TextEncoder().encode(JSON.stringify([domain, await sha256Hex(text)]));
    return `hmac-sha256:v1:${encodeBase64Url(new Uint8Array(await crypto.subtle.sign("HMAC", await this.key, message)))}`;
  }

  /** `hash`: the file text as stored (null when there is no file). */
  raw(text: string | null): Promise<string> {
    return this.project(RAW_DOMAIN, text ?? "");
  }

  /** `configRevisionHash` / `appliedConfigHash`: a resolved config object. */
  resolved(config: unknown): Promise<string> {
    return this.project(RESOLVED_DOMAIN, JSON.stringify(config ?? null));
  }
}
