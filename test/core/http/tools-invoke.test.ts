/**
 * `POST /tools/invoke` over real HTTP (upstream's
 * docs/gateway/tools-invoke-http-api.md): Bearer auth on the shared limiter,
 * the 2 MB body, the default HTTP deny list and gateway.tools.{allow,deny},
 * 404 for a tool that is not allowed, and upstream's statuses and bodies.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Server } from "bun";
import { startTestGateway, TEST_TOKEN, type TestGateway } from "../../harness/gateway.ts";
import { connectParams, RawSocket } from "../../harness/raw-socket.ts";

let page: Server<undefined>;
let gw: TestGateway;
let lifted: TestGateway;

beforeAll(async () => {
  page = Bun.serve({
    port: 0, hostname: "127.0.0.1",
    fetch: (req) => (new URL(req.url).pathname === "/hello" ? new Response("<html><body><p>Hello from a local page.</p></body></html>", { headers: { "Content-Type": "text/html" } }) : new Response("no", { status: 500 })),
  });
  const web = { web: { fetch: { ssrfPolicy: { allowedHostnames: ["127.0.0.1"] } } } };
  gw = await startTestGateway({ config: { tools: web, gateway: { auth: { rateLimit: { maxAttempts: 3, windowMs: 60_000, lockoutMs: 60_000, exemptLoopback: false } } } } });
  lifted = await startTestGateway({ config: { tools: { ...web, deny: ["nodes"] }, gateway: { tools: { allow: ["cron", "nodes"], deny: ["web_*"] } } } });
});

afterAll(async () => {
  await gw?.stop();
  await lifted?.stop();
  page?.stop(true);
});

function invoke(body: unknown, opts: { token?: string | null; at?: TestGateway; method?: string } = {}): Promise<Response> {
  const token = opts.token === undefined ? TEST_TOKEN : opts.token;
  const url = `http://127.0.0.1:${(opts.at ?? gw).port}/tools/invoke`;
  const headers: Record<string, string> = { "Content-Type": "application/json" };
  if (token !== null) headers.Authorization = `Bearer ${token}`;
  return fetch(url, { method: opts.method ?? "POST", headers, body: opts.method === "GET" ? undefined : typeof body === "string" ? body : JSON.stringify(body) });
}

describe("allowed", () => {
  test("web_fetch of a local page -> 200 {ok, result} with the tool's content", async () => {
    const res = await invoke({ tool: "web_fetch", args: { url: `http://127.0.0.1:${page.port}/hello`, extractMode: "text" } });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.ok).toBe(true);
    expect(body.result.details).toMatchObject({ status: 200, text: "Hello from a local page." });
    expect(JSON.parse(body.result.content[0].text).text).toBe("Hello from a local page.");
  });

  test("`name` wins over `tool`; `action` joins the args of a tool that takes one (gateway.tools.allow lifted cron)", async () => {
    const res = await invoke({ name: "cron", tool: "web_fetch", action: "status" }, { at: lifted });
    expect(res.status).toBe(200);
    expect(JSON.parse((await res.json()).result.content[0].text)).toMatchObject({ enabled: true, jobs: 0 });
  });
});

describe("denied", () => {
  test("the default HTTP deny list hides cron and nodes: 404 as for a tool that does not exist", async () => {
    for (const tool of ["cron", "nodes", "exec", "no_such_tool"]) {
      const res = await invoke({ tool, args: {} });
      expect(res.status).toBe(404);
      expect(await res.json()).toEqual({ ok: false, error: { type: "not_found", message: `Tool not available: ${tool}` } });
    }
  });

  test("gateway.tools.deny adds to the list; the agents' tool policy still applies after gateway.tools.allow", async () => {
    expect((await invoke({ tool: "web_fetch", args: { url: "http://127.0.0.1/" } }, { at: lifted })).status).toBe(404);
    // nodes is lifted for HTTP but tools.deny removes it from the agent: still 404.
    expect((await invoke({ tool: "nodes", args: { action: "status" } }, { at: lifted })).status).toBe(404);
  });
});

describe("bad input", () => {
  test("no name -> 400; unknown agent or a session of another agent -> 400", async () => {
    expect(await (await invoke({ args: {} })).json()).toEqual({ ok: false, error: { type: "invalid_request", message: "tools.invoke requires name" } });
    const other = await invoke({ tool: "web_fetch", sessionKey: "agent:main:main", agentId: "ops" });
    expect(other.status).toBe(400);
    expect((await other.json()).error.type).toBe("invalid_request");
  });

  test("invalid tool arguments -> 400 tool_error; a blocked target -> 403; a failing tool -> 500 with the sanitized text", async () => {
    const bad = await invoke({ tool: "web_fetch", args: { url: 42 } });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ ok: false, error: { type: "tool_error", message: "Invalid arguments for web_fetch: at /url: must be string" } });
    const blocked = await invoke({ tool: "web_fetch", args: { url: "http://10.0.0.1/" } });
    expect(blocked.status).toBe(403);
    expect((await blocked.json()).error.message).toStartWith("Blocked: 10.0.0.1 is a private or internal address.");
    const failed = await invoke({ tool: "web_fetch", args: { url: `http://127.0.0.1:${page.port}/broken` } });
    expect(failed.status).toBe(500);
    expect(await failed.json()).toEqual({ ok: false, error: { type: "tool_error", message: "tool execution failed" } });
  });

  test("malformed JSON -> 400; a body over 2 MB -> 413; GET -> 405", async () => {
    expect((await invoke("{not json")).status).toBe(400);
    const big = await invoke({ tool: "web_fetch", args: { pad: "x".repeat(2 * 1024 * 1024) } });
    expect(big.status).toBe(413);
    const get = await invoke(undefined, { method: "GET" });
    expect(get.status).toBe(405);
    expect(get.headers.get("allow")).toBe("POST");
  });
});

describe("auth", () => {
  test("no secret -> 401; a wrong one counts on the shared limiter until 429 with Retry-After, even for the right secret", async () => {
    expect((await invoke({ tool: "web_fetch" }, { token: null })).status).toBe(401);
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await invoke({ tool: "web_fetch" }, { token: "wrong" })).status);
    expect(statuses).toEqual([401, 401, 401, 429]);
    const locked = await invoke({ tool: "web_fetch" });
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get("retry-after"))).toBeGreaterThan(0);
    // The limiter is the gateway's one: a WebSocket connect from this address is locked out too.
    const sock = await RawSocket.open(gw.url);
    try {
      const res = await sock.request("connect", connectParams());
      expect(res.error.details.code).toBe("AUTH_RATE_LIMITED");
    } finally {
      sock.close();
    }
  });
});
