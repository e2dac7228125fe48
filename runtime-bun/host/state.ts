/**
 * Files under the state dir: `openclaw.json` (read as JSON5, created on first
 * run with a generated token), the config revision key and the gateway's own
 * Ed25519 identity. Files are 0600 in 0700 directories.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { formatConfigIssues, MAX_CONFIG_BYTES, oversizedSnapshot, parseConfigText, serializeConfig, snapshotConfig, type ConfigSnapshot } from "../../core/config/document.ts";
import { resolvePaths, type Paths } from "../../core/config/paths.ts";
import type { OpenClawConfig } from "../../core/config/schema.ts";
import { decodeBase64, encodeBase64Url, sha256Hex } from "../../core/device/encoding.ts";
import type { GatewayIdentity } from "../../core/device/identity.ts";
import { envFor } from "./config-env.ts";

export function currentPaths(profile?: string): Paths {
  return resolvePaths(process.env, homedir(), profile);
}

/** Creates a directory (and parents) as 0700. */
export function ensurePrivateDir(dir: string): void {
  if (!existsSync(dir)) mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
}

/** Writes a file atomically (temp + rename) as 0600. */
export function writePrivateFile(path: string, text: string | Uint8Array): void {
  ensurePrivateDir(dirname(path));
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, text, { mode: 0o600 });
  renameSync(tmp, path);
  chmodSync(path, 0o600);
}

/** A config that failed to parse or validate; the message names the path and the problem. */
export class ConfigError extends Error {}

/** Reads the file now on disk into a snapshot (missing file: empty, valid). */
export function readSnapshot(path: string): ConfigSnapshot {
  let raw: string | null = null;
  try {
    const bytes = statSync(path).size;
    if (bytes > MAX_CONFIG_BYTES) return oversizedSnapshot(path, bytes);
    raw = readFileSync(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  // ${VAR} may name a var that only the file's own env.vars supply.
  const parsed = raw === null ? null : parseConfigText(raw);
  return snapshotConfig(path, raw, envFor(parsed?.ok ? parsed.value : null));
}

/** The validated config; throws ConfigError naming the path and problem. */
export function readConfig(path: string): OpenClawConfig {
  const snapshot = readSnapshot(path);
  if (!snapshot.valid || !snapshot.config) throw new ConfigError(`Invalid config at ${path}: ${formatConfigIssues(snapshot.issues)}`);
  return snapshot.config;
}

/** 24 random bytes as hex: the token format upstream generates. */
export function generateToken(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(24))).toString("hex");
}

/**
 * The secret a first-run config stores: a `--token` the user chose (as upstream's
 * `onboard --gateway-token` stores it), none when the secret already lives in the
 * environment or is a password (writing a token then would contradict the one the
 * gateway accepts), else a fresh token.
 */
export type FirstRunSecret = { token: string } | "none" | "generate";

/** The flags of `gateway run` that choose its secret; other verbs that create the config have none. */
export interface FirstRunFlags {
  token?: string;
  password?: string;
  passwordFile?: string;
  auth?: string;
}

/** What a first-run config stores, so it never contradicts the secret the gateway accepts (§4.1). */
export function firstRunSecret(env: Record<string, string | undefined>, flags: FirstRunFlags = {}): FirstRunSecret {
  if (flags.token) return { token: flags.token };
  const elsewhere = flags.password || flags.passwordFile || flags.auth || env.OPENCLAW_GATEWAY_TOKEN || env.OPENCLAW_GATEWAY_PASSWORD;
  return elsewhere ? "none" : "generate";
}

/**
 * The config a first run writes: a local loopback gateway with the `firstRun` secret. Every verb that
 * creates the file starts from it, so the CLI always finds the secret of the gateway it later starts.
 */
export function firstRunConfig(firstRun: FirstRunSecret): OpenClawConfig {
  const token = firstRun === "generate" ? generateToken() : firstRun === "none" ? undefined : firstRun.token;
  return { gateway: { mode: "local", bind: "loopback", ...(token ? { auth: { mode: "token", token } } : {}) } };
}

/**
 * Loads the config; on first run writes `firstRunConfig(firstRun)` and says so through `created`.
 */
export function loadOrCreateConfig(paths: Paths, firstRun: FirstRunSecret): { snapshot: ConfigSnapshot; config: OpenClawConfig; created: boolean } {
  if (existsSync(paths.configPath)) {
    const snapshot = readSnapshot(paths.configPath);
    if (!snapshot.valid || !snapshot.config) throw new ConfigError(`Invalid config at ${paths.configPath}: ${formatConfigIssues(snapshot.issues)}`);
    return { snapshot, config: snapshot.config, created: false };
  }
  const config = firstRunConfig(firstRun);
  ensurePrivateDir(paths.stateDir);
  writePrivateFile(paths.configPath, serializeConfig(config));
  const snapshot = readSnapshot(paths.configPath);
  return { snapshot, config: snapshot.config ?? config, created: true };
}

/** The 32-byte key behind config revision hashes, created once per state dir. */
export function loadOrCreateConfigRevisionKey(stateDir: string): Uint8Array {
  const path = join(stateDir, "state", "config-revision.key");
  if (existsSync(path)) {
    const key = new Uint8Array(readFileSync(path));
    if (key.byteLength === 32) return key;
  }
  const key = crypto.getRandomValues(new Uint8Array(32));
  writePrivateFile(path, key);
  return key;
}

/**
 * The gateway's own device identity (`gateway.identity.get`). The seed is
 * created once and kept in the state dir; the key pair is derived when first
 * asked for, so a start does not load Web Crypto for a method few clients
 * call (2.5 MB of idle RSS, bench binary-budget).
 */
export function loadOrCreateIdentity(stateDir: string): () => Promise<GatewayIdentity> {
  const path = join(stateDir, "state", "gateway-identity.json");
  let stored = existsSync(path) ? decodeBase64(JSON.parse(readFileSync(path, "utf8")).seed ?? "") : null;
  if (!stored || stored.length !== 32) {
    stored = crypto.getRandomValues(new Uint8Array(32));
    writePrivateFile(path, JSON.stringify({ seed: encodeBase64Url(stored) }) + "\n");
  }
  const seed = stored;
  let identity: Promise<GatewayIdentity> | undefined;
  const derive = async (): Promise<GatewayIdentity> => {
    const publicKey = await ed25519PublicKey(seed);
    return { deviceId: await sha256Hex(publicKey), publicKey: encodeBase64Url(publicKey) };
  };
  return () => (identity ??= derive());
}

/** PKCS#8 header of a raw Ed25519 seed (RFC 8410). */
const PKCS8_ED25519_PREFIX = [0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20];

/**
 * The public key of a seed through Web Crypto: native, well under a
 * millisecond, where tweetnacl's pure-JS derivation cost 10-20 ms of every start.
 */
async function ed25519PublicKey(seed: Uint8Array): Promise<Uint8Array> {
  const pkcs8 = new Uint8Array([...PKCS8_ED25519_PREFIX, ...seed]);
  const key = await crypto.subtle.importKey("pkcs8", pkcs8, { name: "Ed25519" }, true, ["sign"]);
  const jwk = await crypto.subtle.exportKey("jwk", key);
  return decodeBase64(jwk.x!)!;
}
