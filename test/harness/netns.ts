/**
 * Test harness: a real non-loopback peer. A network namespace joined to this
 * one by a veth pair (/30 of its own), so a command run inside it reaches the
 * gateway from `address`, a private address that is not loopback. Needs root
 * and `ip`; where namespaces cannot be made, `netnsTest` skips with the reason
 * (and fails under CI=true, where they must work).
 */
import { testNeeding } from "./capability.ts";

/** One namespace: the host end of the pair is `hostAddress`, the namespace end `address`. */
export interface Netns {
  name: string;
  hostAddress: string;
  address: string;
  /** Runs argv inside the namespace; resolves with its exit code and output. */
  run(argv: string[]): Promise<{ exitCode: number; stdout: string; stderr: string }>;
  destroy(): Promise<void>;
}

async function ip(args: string[]): Promise<string> {
  const proc = Bun.spawn(["ip", ...args], { stdout: "pipe", stderr: "pipe" });
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  if (code !== 0) throw new Error(`ip ${args.join(" ")}: ${stderr.trim()}`);
  return stdout;
}

let counter = 0;

/** A <prefix>.N.0/30 (10.213 unless told) no interface here uses yet (parallel test processes each make their own). */
export async function freeSubnet(prefix = "10.213"): Promise<string> {
  const used = await ip(["-o", "-4", "addr", "show"]);
  for (;;) {
    const subnet = `${prefix}.${crypto.getRandomValues(new Uint8Array(1))[0]}`;
    if (!used.includes(`${subnet}.`)) return subnet;
  }
}

/**
 * Creates a namespace with a veth pair, both ends up, and addresses <subnet>.1 (host) / <subnet>.2 (inside);
 * `subnet` (three octets) defaults to a free 10.213.N; pass one to get a peer in another range (CGNAT, public).
 */
export async function createNetns(subnet?: string): Promise<Netns> {
  const tag = `${process.pid % 10_000}x${counter++}`;
  const name = `cgns${tag}`;
  const hostIf = `cgh${tag}`;
  const peerIf = `cgp${tag}`;
  subnet ??= await freeSubnet();
  const hostAddress = `${subnet}.1`;
  const address = `${subnet}.2`;
  await ip(["netns", "add", name]);
  try {
    await ip(["link", "add", hostIf, "type", "veth", "peer", "name", peerIf]);
    await ip(["link", "set", peerIf, "netns", name]);
    await ip(["addr", "add", `${hostAddress}/30`, "dev", hostIf]);
    await ip(["link", "set", hostIf, "up"]);
    await ip(["netns", "exec", name, "ip", "addr", "add", `${address}/30`, "dev", peerIf]);
    await ip(["netns", "exec", name, "ip", "link", "set", peerIf, "up"]);
    await ip(["netns", "exec", name, "ip", "link", "set", "lo", "up"]);
  } catch (error) {
    await ip(["netns", "del", name]).catch(() => "");
    await ip(["link", "del", hostIf]).catch(() => "");
    throw error;
  }
  return {
    name,
    hostAddress,
    address,
    async run(argv) {
      const proc = Bun.spawn(["ip", "netns", "exec", name, ...argv], { stdout: "pipe", stderr: "pipe" });
      const [stdout, stderr, exitCode] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
      return { exitCode, stdout, stderr };
    },
    async destroy() {
      // Deleting the namespace deletes its veth end, and with it the host end.
      await ip(["netns", "del", name]);
    },
  };
}

/** Why namespaces cannot be made here, or undefined when they can (probed once). */
export const NETNS_UNAVAILABLE: string | undefined = await (async () => {
  if (process.platform !== "linux") return "network namespaces are Linux-only";
  if (process.getuid?.() !== 0) return "creating network namespaces needs root";
  if (!Bun.which("ip")) return "no `ip` (iproute2) on PATH";
  try {
    await (await createNetns()).destroy();
    return undefined;
  } catch (error) {
    return `cannot create a network namespace: ${(error as Error).message}`;
  }
})();

/** `test` that needs a namespace: skipped with the reason where none can be made, failing under CI. */
export const netnsTest = testNeeding("network namespaces (root and iproute2)", NETNS_UNAVAILABLE);
