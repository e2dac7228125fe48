/**
 * DNS rebinding against web_fetch, over real sockets: a local DNS server
 * (UDP, dns-packet) answers a name first with a public address and then, TTL
 * 0, with 127.0.0.1, where a second server listens on the same port. The
 * guard's resolver is pointed at that DNS server through the HostResolver
 * seam, and the Bun shim's PinnedFetch connects. The public address is the
 * host end of a network namespace's veth pair in 100.128/16 (public, just past
 * CGNAT), so this needs root; elsewhere it skips with the reason.
 */
import { afterAll, beforeAll, describe, expect } from "bun:test";
import type { Server } from "bun";
import dgram from "node:dgram";
import { Resolver } from "node:dns/promises";
import dnsPacket from "dns-packet";
import type { HostResolver } from "../../../core/runtime.ts";
import { executeTool } from "../../../core/tools/execute.ts";
import { webFetchTool } from "../../../core/tools/web-fetch.ts";
import { bunPinnedFetch } from "../../../runtime-bun/pinned-fetch.ts";
import { createNetns, freeSubnet, NETNS_UNAVAILABLE, netnsTest, type Netns } from "../../harness/netns.ts";

const NAME = "rebind.example";

/** A DNS server for NAME: each A query takes the next of `answers`, then 127.0.0.1 for ever; AAAA has none. */
class RebindingDns {
  readonly socket = dgram.createSocket("udp4");
  answers: string[] = [];
  /** The A answers it gave, in order. */
  readonly given: string[] = [];

  async start(): Promise<string> {
    this.socket.on("message", (msg, peer) => {
      const query = dnsPacket.decode(msg);
      const question = query.questions![0]!;
      const answers: dnsPacket.Answer[] = [];
      if (question.name === NAME && question.type === "A") {
        const data = this.answers.shift() ?? "127.0.0.1";
        this.given.push(data);
        answers.push({ type: "A", name: NAME, ttl: 0, data });
      }
      const reply = dnsPacket.encode({ id: query.id, type: "response", flags: dnsPacket.RECURSION_DESIRED | dnsPacket.RECURSION_AVAILABLE, questions: [question], answers });
      this.socket.send(reply, peer.port, peer.address);
    });
    await new Promise<void>((resolve) => this.socket.bind(0, "127.0.0.1", resolve));
    return `127.0.0.1:${this.socket.address().port}`;
  }
}

/** The seam's resolver, asking only `server` (as a user's resolver would, without touching /etc/resolv.conf). */
function resolverAt(server: string): HostResolver {
  const resolver = new Resolver({ tries: 1 });
  resolver.setServers([server]);
  return (hostname) => resolver.resolve4(hostname);
}

let ns: Netns | undefined;
let dns: RebindingDns;
let outside: Server<undefined>;
let inside: Server<undefined>;
const insideHits: string[] = [];
const outsideHosts: string[] = [];
let base: string;
let tool: ReturnType<typeof webFetchTool>;

/** `Bun.serve` on `hostname`:`port`, recording each request's Host in `hosts`. */
function page(hostname: string, port: number, text: string, hosts: string[]) {
  return Bun.serve({
    hostname, port,
    fetch(req) {
      hosts.push(req.headers.get("host") ?? "");
      const url = new URL(req.url);
      if (url.pathname === "/hop") return Response.redirect(`http://${NAME}:${url.port}/page`, 302);
      return new Response(text, { headers: { "Content-Type": "text/plain" } });
    },
  });
}

beforeAll(async () => {
  if (NETNS_UNAVAILABLE) return;
  ns = await createNetns(await freeSubnet("100.128"));
  dns = new RebindingDns();
  tool = webFetchTool({ resolveHost: resolverAt(await dns.start()), pinnedFetch: bunPinnedFetch, now: Date.now });
  // The same port on both addresses, so only the address tells the two apart; retried if loopback has it taken.
  for (let attempt = 0; !inside; attempt++) {
    outside = page(ns.hostAddress, 0, "the public page", outsideHosts);
    try {
      inside = page("127.0.0.1", outside.port!, "GATEWAY-INTERNAL", insideHits);
    } catch (error) {
      outside.stop(true);
      if (attempt === 5) throw error;
    }
  }
  base = `http://${NAME}:${outside.port}`;
});

afterAll(async () => {
  outside?.stop(true);
  inside?.stop(true);
  dns?.socket.close();
  await ns?.destroy();
});

const call = (url: string) =>
  executeTool(tool, { url, extractMode: "text" }, { agentId: "main", sessionKey: "agent:main:main", toolCallId: "t", config: {} }, { signal: new AbortController().signal });

describe("web_fetch under DNS rebinding", () => {
  netnsTest("the fetch connects to the address the guard approved, never to the name's next answer", async () => {
    dns.answers = [ns!.hostAddress];
    dns.given.length = 0;
    const out = await call(`${base}/page`);
    expect(out.isError).toBe(false);
    expect(JSON.parse(out.text)).toMatchObject({ status: 200, finalUrl: `${base}/page`, text: "the public page" });
    // One answer, the guard's: the connection asked DNS nothing more, so 127.0.0.1 was never on offer.
    expect(dns.given).toEqual([ns!.hostAddress]);
    expect(outsideHosts.at(-1)).toBe(`${NAME}:${outside.port}`);
    expect(insideHits).toEqual([]);
  });

  netnsTest("the name's answer is now loopback, so the next fetch is refused before connecting", async () => {
    dns.given.length = 0;
    expect(await call(`${base}/page`)).toMatchObject({ isError: true, kind: "forbidden", text: expect.stringContaining(`Blocked: ${NAME} resolves to a private or internal address (127.0.0.1).`) });
    expect(dns.given).toEqual(["127.0.0.1"]);
    expect(insideHits).toEqual([]);
  });

  netnsTest("a redirect back to the same name is resolved and checked again, and refused when it rebinds", async () => {
    dns.answers = [ns!.hostAddress];
    dns.given.length = 0;
    expect(await call(`${base}/hop`)).toMatchObject({ isError: true, kind: "forbidden", text: expect.stringContaining("(127.0.0.1)") });
    expect(dns.given).toEqual([ns!.hostAddress, "127.0.0.1"]);
    expect(insideHits).toEqual([]);
  });
});
