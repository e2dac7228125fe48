/**
 * Scenario: pre-auth memory pressure (spec §1.4, issue 11 item 1). SOCKETS
 * WebSocket peers that never authenticate, from SOCKETS different loopback
 * addresses (127.0.1.x, so the per-address bound alone cannot save the
 * gateway), each send one unfinished fragmented text message of MESSAGE_MB
 * (just under the post-auth 25 MiB limit the transport applies to every
 * socket) as fast as the gateway reads, until the handshake timeout closes
 * them. Figure: the gateway's peak RSS (VmHWM) over the whole attack, on the
 * Bun and the Node gateway, with its RSS before the attack beside it.
 * Budget: peak RSS < 250 MB.
 */
import { readFileSync } from "node:fs";
import { connect, type Socket } from "node:net";
import { startGatewayProcess, type GatewayProcess, type GatewayRuntime } from "./lib/gateway-process.ts";
import { memory } from "./lib/memory.ts";
import { report, table, type Metric } from "./lib/report.ts";

const SOCKETS = 40;
const MESSAGE_MB = 24;
const FRAGMENT = 1024 * 1024;
/** The gateway closes unauthenticated sockets after 15 s; the attack ends with them. */
const ATTACK_LIMIT_MS = 20_000;

/** VmHWM (peak resident set) of a live process, in MB. */
function peakRss(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, "utf8").split("\n").find((l) => l.startsWith("VmHWM:"))!;
  return Number(/\d+/.exec(line)![0]) / 1024;
}

/** One masked client frame header + payload (RFC 6455 §5.2); the mask is zero, so the payload is sent as is. */
function fragment(first: boolean): Buffer {
  const head = Buffer.alloc(14);
  head[0] = first ? 0x1 : 0x0;
  head[1] = 0x80 | 127;
  head.writeBigUInt64BE(BigInt(FRAGMENT), 2);
  return Buffer.concat([head, Buffer.alloc(FRAGMENT, 0x61)]);
}
const FIRST = fragment(true);
const NEXT = fragment(false);

/** Upgrades, then streams one unfinished message; resolves when the gateway closes the socket. */
async function attacker(port: number, localAddress: string, deadline: number): Promise<void> {
  const socket: Socket = connect({ host: "127.0.0.1", port, localAddress });
  const closed = new Promise<void>((resolve) => socket.once("close", () => resolve()));
  socket.on("error", () => undefined);
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("error", reject);
  });
  socket.write(`GET / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`);
  await new Promise((resolve) => socket.once("data", resolve));
  let open = true;
  void closed.then(() => (open = false));
  for (let i = 0; i < MESSAGE_MB && open; i++) {
    if (!socket.write(i === 0 ? FIRST : NEXT)) await Promise.race([new Promise((r) => socket.once("drain", r)), closed]);
  }
  const timer = setTimeout(() => socket.destroy(), Math.max(0, deadline - Date.now()));
  await closed;
  clearTimeout(timer);
}

async function attack(gw: GatewayProcess): Promise<{ before: number; peak: number }> {
  const before = memory(gw.pid).rss;
  const deadline = Date.now() + ATTACK_LIMIT_MS;
  await Promise.all(Array.from({ length: SOCKETS }, (_, i) => attacker(gw.port, `127.0.1.${i + 1}`, deadline)));
  // /health still answers after the attack.
  const health = await fetch(`http://127.0.0.1:${gw.port}/health`);
  if (!health.ok) throw new Error(`/health answered ${health.status} after the attack`);
  return { before, peak: peakRss(gw.pid) };
}

const metrics: Metric[] = [];
const rows: string[][] = [];
for (const runtime of (process.env.RT ? [process.env.RT] : ["bun", "node"]) as GatewayRuntime[]) {
  const gw = await startGatewayProcess(runtime);
  try {
    const { before, peak } = await attack(gw);
    rows.push([runtime, `${before.toFixed(0)} MB`, `${peak.toFixed(0)} MB`]);
    metrics.push({ name: `${runtime}: peak RSS, ${SOCKETS} unauthenticated x ${MESSAGE_MB} MiB unfinished`, value: peak, unit: "MB", budget: { op: "<", limit: 250 }, note: `RSS before: ${before.toFixed(0)} MB` });
  } finally {
    await gw.stop();
  }
}
console.log(table(["gateway", "RSS before", "peak RSS"], rows));
report({ scenario: "preauth-pressure", metrics });
