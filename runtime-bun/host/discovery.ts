/**
 * Which discovery a gateway run starts (spec §9): the mDNS on/off policy and
 * the wide-area zone file. The multicast responder itself (mdns.ts) is
 * imported only when mDNS is on.
 */
import { existsSync, readFileSync } from "node:fs";
import { hostname, networkInterfaces } from "node:os";
import { join } from "node:path";
import type { OpenClawConfig } from "../../core/config/schema.ts";
import { advertisement } from "../../core/discovery/records.ts";
import { normalizeDomain, renderZone, zoneFileName } from "../../core/discovery/zone.ts";
import type { Logger } from "../../core/runtime.ts";
import type { MdnsNetwork } from "./mdns.ts";
import { writePrivateFile } from "./state.ts";

/** What the gateway run path hands to discovery. */
export interface DiscoveryOptions {
  config: OpenClawConfig;
  env: Record<string, string | undefined>;
  gatewayPort: number;
  bridgePort?: number;
  stateDir: string;
  logger: Logger;
  platform?: string;
  net?: MdnsNetwork;
}

/** Upstream's container sentinels: mDNS is off by default inside one (§9). */
function inContainer(env: Record<string, string | undefined>): boolean {
  if (env.FLY_MACHINE_ID?.trim() && env.FLY_APP_NAME?.trim()) return true;
  if (["/.dockerenv", "/run/.containerenv", "/var/run/.containerenv"].some((p) => existsSync(p))) return true;
  try {
    return /\/docker\/|cri-containerd-[0-9a-f]|containerd\/[0-9a-f]{64}|\/kubepods[/.]|\blxc\b/u.test(readFileSync("/proc/1/cgroup", "utf8"));
  } catch {
    return false;
  }
}

/**
 * Whether to multicast (§9): never with `discovery.mdns.mode: "off"`;
 * `OPENCLAW_DISABLE_BONJOUR=1|0` forces off/on; otherwise off in containers,
 * on by default on macOS and, elsewhere, when `discovery.mdns.mode` is set.
 */
export function mdnsEnabled(config: OpenClawConfig, env: Record<string, string | undefined>, platform: string): boolean {
  const mode = config.discovery?.mdns?.mode;
  if (mode === "off") return false;
  const override = env.OPENCLAW_DISABLE_BONJOUR?.trim().toLowerCase();
  if (override) {
    if (["1", "true", "yes", "on"].includes(override)) return false;
    if (["0", "false", "no", "off"].includes(override)) return true;
  }
  if (inContainer(env)) return false;
  return platform === "darwin" || mode !== undefined;
}

/** The host's first tailnet (100.64.0.0/10) IPv4 address, if any. */
function tailnetIPv4(): string | undefined {
  for (const addrs of Object.values(networkInterfaces())) {
    for (const a of addrs ?? []) if (a.family === "IPv4" && /^100\.(6[4-9]|[7-9]\d|1[01]\d|12[0-7])\./.test(a.address)) return a.address;
  }
  return undefined;
}

/** Writes the wide-area zone when it changed; returns its path. */
export function writeWideAreaZone(o: { domain: string; stateDir: string; hostname: string; gatewayPort: number; tailnetIPv4: string; now?: Date }): { path: string; changed: boolean } {
  const path = join(o.stateDir, "dns", zoneFileName(o.domain));
  const existing = existsSync(path) ? readFileSync(path, "utf8") : null;
  const text = renderZone({ domain: o.domain, hostname: o.hostname, gatewayPort: o.gatewayPort, tailnetIPv4: o.tailnetIPv4 }, existing, o.now ?? new Date());
  if (text !== null) writePrivateFile(path, text);
  return { path, changed: text !== null };
}

/** Starts whatever discovery the config asks for; `stop()` says goodbye. */
export async function startDiscovery(o: DiscoveryOptions): Promise<{ stop(): Promise<void> }> {
  const { config, env, logger } = o;
  const mode = config.discovery?.mdns?.mode === "full" ? "full" : "minimal";
  const wide = config.discovery?.wideArea?.domain ?? env.OPENCLAW_WIDE_AREA_DOMAIN;
  if (wide?.trim()) {
    try {
      const domain = normalizeDomain(wide)!;
      const ip = tailnetIPv4();
      if (!ip) logger.warn("discovery", "discovery.wideArea.domain is set, but no Tailscale IPv4 address was found; skipping unicast DNS-SD zone update");
      else {
        const result = writeWideAreaZone({ domain, stateDir: o.stateDir, hostname: hostname(), gatewayPort: o.gatewayPort, tailnetIPv4: ip });
        logger.info("discovery", `wide-area DNS-SD ${result.changed ? "updated" : "unchanged"} (${domain} → ${result.path})`);
      }
    } catch (error) {
      logger.warn("discovery", `wide-area discovery update failed: ${String(error)}`);
    }
  }
  if (!mdnsEnabled(config, env, o.platform ?? process.platform)) return { stop: async () => {} };
  const net = o.net ?? (await import("./mdns.ts")).mdnsNetwork(env);
  const ad = advertisement({
    hostname: hostname(),
    mdnsHostname: env.OPENCLAW_MDNS_HOSTNAME,
    gatewayPort: o.gatewayPort,
    bridgePort: o.bridgePort,
    mode,
    sshPort: Number(env.OPENCLAW_SSH_PORT) || undefined,
    cliPath: env.OPENCLAW_CLI_PATH?.trim() || process.argv[1],
    tailnetDns: env.OPENCLAW_TAILNET_DNS?.trim().replace(/\.$/, ""),
    addresses: net.interfaces,
  });
  try {
    const { MdnsResponder } = await import("./mdns.ts");
    const responder = await MdnsResponder.start(ad, net, logger);
    logger.info("discovery", `mdns: advertising ${ad.instanceName} on ${net.interfaces.join(", ")}`, { gatewayPort: o.gatewayPort, bridgePort: o.bridgePort });
    return { stop: () => responder.stop() };
  } catch (error) {
    logger.warn("discovery", `mdns: disabled (${String(error)})`);
    return { stop: async () => {} };
  }
}
