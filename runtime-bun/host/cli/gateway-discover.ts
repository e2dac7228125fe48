/**
 * `clawgate gateway discover [--json] [--timeout ms]`: browses mDNS for
 * `_openclaw-gw._tcp` and prints the gateways found, in upstream's JSON shape
 * `{timeoutMs, domains, count, beacons[…, wsUrl]}` (spec §9).
 */
import { beaconUrl } from "../../../core/discovery/records.ts";
import { browse, mdnsNetwork } from "../mdns.ts";
import { color, EXIT, fail, printJson } from "./output.ts";

/** Upstream's default browse time. */
const DEFAULT_TIMEOUT_MS = 2_000;

export async function gatewayDiscover(opts: { json?: boolean; timeoutMs?: number }): Promise<number> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  let found;
  try {
    found = await browse(mdnsNetwork(process.env), timeoutMs);
  } catch (error) {
    return fail(`gateway discover failed: ${error instanceof Error ? error.message : String(error)}`);
  }
  const beacons = found.sort((a, b) => (a.displayName || a.instanceName).localeCompare(b.displayName || b.instanceName));
  const domains = ["local."];
  if (opts.json) {
    printJson({ timeoutMs, domains, count: beacons.length, beacons: beacons.map((b) => ({ ...b, wsUrl: beaconUrl(b) })) });
    return EXIT.ok;
  }
  const lines = [color.bold("Gateway Discovery"), color.dim(`Found ${beacons.length} gateway(s) · domains: ${domains.join(", ")}`)];
  for (const b of beacons) {
    lines.push(`- ${b.displayName || b.instanceName} ${color.dim(b.domain)}`);
    if (b.tailnetDns) lines.push(`  tailnet: ${b.tailnetDns}`);
    if (b.lanHost) lines.push(`  lan: ${b.lanHost}`);
    if (b.host) lines.push(`  host: ${b.host}`);
    const url = beaconUrl(b);
    if (url) lines.push(`  ws: ${url}`);
    if (b.role) lines.push(`  role: ${b.role}`);
    if (b.transport) lines.push(`  transport: ${b.transport}`);
  }
  process.stdout.write(lines.join("\n") + "\n");
  return EXIT.ok;
}
