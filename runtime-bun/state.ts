/**
 * Files under the state dir: `openclaw.json` (read as JSON5, created on first
 * run with a generated token) and the gateway's own Ed25519 identity. Files
 * are 0600 in 0700 directories.
 */
import JSON5 from "json5";
import nacl from "tweetnacl";
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { resolvePaths, type Paths } from "../core/config/paths.ts";
import { configSchema, type OpenClawConfig } from "../core/config/schema.ts";
import { decodeBase64, encodeBase64Url, sha256Hex } from "../core/device/encoding.ts";
import type { GatewayIdentity } from "../core/gateway.ts";
import { formatIssues } from "../core/protocol/validation.ts";

export function currentPaths(profile?: string): Paths {
  return resolvePaths(process.env, homedir(), profile);
}

/** Creates a directory (and parents) as 0700. */
export function ensurePrivateDir(dir: string): void {
  if (!existsSync(dir)) mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
}

/** Writes a file atomically (temp + rename) as 0600. */
export function writePrivateFile(path: string, text: string): void {
  ensurePrivateDir(dirname(path));
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, text, { mode: 0o600 });
  renameSync(tmp, path);
  chmodSync(path, 0o600);
}

/** A config that failed to parse or validate; the message names the path and the problem. */
export class ConfigError extends Error {}

export function readConfig(path: string): OpenClawConfig {
  let raw: unknown;
  try {
    raw = JSON5.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new ConfigError(`Invalid config at ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) throw new ConfigError(`Invalid config at ${path}: ${formatIssues(parsed.error.issues)}`);
  return parsed.data;
}

/** 24 random bytes as hex: the token format upstream generates. */
export function generateToken(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(24))).toString("hex");
}

/**
 * Loads the config; on first run writes a local-mode config with a fresh
 * token, as upstream onboarding does, and says so through `created`.
 */
export function loadOrCreateConfig(paths: Paths): { config: OpenClawConfig; created: boolean } {
  if (existsSync(paths.configPath)) return { config: readConfig(paths.configPath), created: false };
  const config = { gateway: { mode: "local", bind: "loopback", auth: { mode: "token", token: generateToken() } } } satisfies OpenClawConfig;
  ensurePrivateDir(paths.stateDir);
  writePrivateFile(paths.configPath, JSON.stringify(config, null, 2) + "\n");
  return { config, created: true };
}

/** The gateway's own device identity, created once and kept in the state dir. */
export async function loadOrCreateIdentity(stateDir: string): Promise<GatewayIdentity> {
  const path = join(stateDir, "state", "gateway-identity.json");
  let seed: Uint8Array | null = null;
  if (existsSync(path)) seed = decodeBase64(JSON.parse(readFileSync(path, "utf8")).seed ?? "");
  if (!seed || seed.length !== 32) {
    seed = crypto.getRandomValues(new Uint8Array(32));
    writePrivateFile(path, JSON.stringify({ seed: encodeBase64Url(seed) }) + "\n");
  }
  const { publicKey } = nacl.sign.keyPair.fromSeed(seed);
  return { deviceId: await sha256Hex(publicKey), publicKey: encodeBase64Url(publicKey) };
}
