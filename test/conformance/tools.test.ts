/**
 * The tool loop and the first tools behave the same on both runtimes (the
 * CLI gateway under Bun and under Node): a model's web_fetch of a local page
 * reaches its answer, a redirect to a blocked name is refused, and
 * `/tools/invoke` answers with upstream's statuses.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Server } from "bun";
import { TEST_TOKEN } from "../harness/gateway.ts";
import { startUpstream, type FakeUpstream } from "../harness/openai-upstream.ts";
import { connected, type Frame, type RawSocket } from "../harness/raw-socket.ts";
import { RUNTIMES, startRuntimeGateway, type RuntimeGateway } from "../harness/runtimes.ts";

describe.each(RUNTIMES)("%s gateway", (runtime) => {
  let page: Server<undefined>;
  let upstream: FakeUpstream;
  let gw: RuntimeGateway;
  let sock: RawSocket;

  beforeAll(async () => {
    page = Bun.serve({
      port: 0, hostname: "127.0.0.1",
      fetch(req) {
        const url = new URL(req.url);
        if (url.pathname === "/to-page") return Response.redirect(`http://127.0.0.1:${url.port}/page`, 302);
        if (url.pathname === "/to-localhost") return Response.redirect(`http://localhost:${url.port}/page`, 302);
        return new Response("<html><head><title>T</title></head><body><article><p>The tide comes in twice a day, pulled by the moon.</p></article></body></html>", { headers: { "Content-Type": "text/html" } });
      },
    });
    upstream = startUpstream({
      fetcher: (body) => body.messages.at(-1).role === "tool"
        ? { pieces: [`Answer: ${JSON.parse(body.messages.at(-1).content).text}`] }
        : { toolCalls: [{ id: "f1", name: "web_fetch", arguments: JSON.stringify({ url: `http://127.0.0.1:${page.port}/to-page`, extractMode: "text" }) }] },
    });
    gw = await startRuntimeGateway(runtime, {
      config: {
        models: { providers: { up: { baseUrl: upstream.baseUrl, models: ["fetcher"] } } },
        agents: { defaults: { model: "up/fetcher" } },
        tools: { web: { fetch: { ssrfPolicy: { allowedHostnames: ["127.0.0.1"] } } } },
      },
    });
    ({ sock } = await connected(gw.url));
  }, 30_000);

  afterAll(async () => {
    sock?.close();
    await gw?.stop();
    upstream?.stop();
    page?.stop(true);
  });

  const invoke = (body: unknown) => fetch(`http://127.0.0.1:${gw.port}/tools/invoke`, { method: "POST", headers: { Authorization: `Bearer ${TEST_TOKEN}` }, body: JSON.stringify(body) });

  test("a model's web_fetch of a local page (through a redirect) ends in its final answer", async () => {
    await sock.request("chat.send", { sessionKey: "main", message: "what does the page say?", idempotencyKey: "tide-1" });
    const final = () => sock.events("chat").map((f: Frame) => f.payload).find((p: any) => p.runId === "tide-1" && p.state !== "delta" && p.state !== "status");
    await sock.until(() => final() !== undefined, 15_000);
    expect(final()).toMatchObject({ state: "final", message: { content: [{ text: "Answer: The tide comes in twice a day, pulled by the moon." }] } });
  });

  test("/tools/invoke: allowed 200, a redirect to a blocked name 403, a denied tool 404", async () => {
    const ok = await invoke({ tool: "web_fetch", args: { url: `http://127.0.0.1:${page.port}/page` } });
    expect(ok.status).toBe(200);
    expect((await ok.json()).result.details).toMatchObject({ title: "T", extractor: "readability" });
    const blocked = await invoke({ tool: "web_fetch", args: { url: `http://127.0.0.1:${page.port}/to-localhost` } });
    expect(blocked.status).toBe(403);
    expect((await blocked.json()).error.message).toStartWith("Blocked: localhost is an internal hostname.");
    expect((await invoke({ tool: "nodes", args: { action: "status" } })).status).toBe(404);
  });
});
