/**
 * The hook routes on core's HTTP app in memory, a whole in-memory gateway
 * behind them: the body-read deadline (upstream: 30 s -> 408), shortened here,
 * where a sender that never finishes its body gets upstream's 408 and nothing
 * is queued while one that finishes in time is served; and the warning when
 * the hook token reuses the gateway's own secret.
 */
import { afterEach, expect, test } from "bun:test";
import { Hono } from "hono";
import type { HttpBindings } from "../../../core/http/credentials.ts";
import { hooksMiddleware, TOKEN_REUSE_WARNING } from "../../../core/http/hooks.ts";
import { loopbackPeer } from "../../harness/memory-connection.ts";
import { MEMORY_TOKEN, memoryGateway, type MemoryGateway } from "../../harness/memory-gateway.ts";

let mem: MemoryGateway | undefined;
afterEach(() => mem?.stop());

function hooksApp(bodyTimeoutMs: number) {
  mem = memoryGateway({ config: { hooks: { enabled: true, token: "hook-secret" } } });
  const gw = mem.gateway;
  const app = new Hono<{ Bindings: HttpBindings }>();
  app.use(hooksMiddleware({ config: () => gw.config, now: gw.now, limiter: gw.limiter, agents: gw.agents, logger: gw.options.logger, gatewaySecret: () => MEMORY_TOKEN, bodyTimeoutMs }));
  return { app, gw };
}

const request = (body: ReadableStream<Uint8Array>) =>
  new Request("http://127.0.0.1/hooks/wake", { method: "POST", headers: { authorization: "Bearer hook-secret" }, body, duplex: "half" } as RequestInit);

test("a body still unfinished at the deadline -> 408 request body timeout, nothing queued", async () => {
  const { app, gw } = hooksApp(50);
  // Half a JSON object, then silence: the stream stays open.
  const stalled = new ReadableStream<Uint8Array>({ start: (c) => c.enqueue(new TextEncoder().encode('{"text": "never')) });
  const res = await app.fetch(request(stalled), { peer: loopbackPeer() });
  expect(res.status).toBe(408);
  expect(await res.json()).toEqual({ ok: false, error: "request body timeout" });
  expect(gw.agents.events.peek("agent:main:main")).toEqual([]);
});

test("control: the same body finished in time -> 200 and the text queued", async () => {
  const { app, gw } = hooksApp(5_000);
  const whole = new ReadableStream<Uint8Array>({
    start(c) {
      c.enqueue(new TextEncoder().encode('{"text": "arrived", '));
      c.enqueue(new TextEncoder().encode('"mode": "next-heartbeat"}'));
      c.close();
    },
  });
  const res = await app.fetch(request(whole), { peer: loopbackPeer() });
  expect(await res.json()).toEqual({ ok: true, mode: "next-heartbeat", eventOutcome: "queued" });
  expect(gw.agents.events.peek("agent:main:main").map((e) => e.text)).toEqual(["arrived"]);
});

test("a hook token equal to the gateway's secret -> upstream's security warning at start; a distinct one -> none", () => {
  const warnings: string[] = [];
  const logger = { debug() {}, info() {}, error() {}, warn: (_subsystem: string, message: string) => void warnings.push(message) };
  for (const token of [MEMORY_TOKEN, "a-distinct-hook-token"]) {
    const gw = memoryGateway({ config: { hooks: { enabled: true, token } }, logger });
    hooksMiddleware({ config: () => gw.gateway.config, now: gw.gateway.now, limiter: gw.gateway.limiter, agents: gw.gateway.agents, logger, gatewaySecret: () => MEMORY_TOKEN });
    gw.stop();
  }
  expect(warnings).toEqual([TOKEN_REUSE_WARNING]);
});
