/**
 * web_fetch over real sockets: a model (a local OpenAI-compatible server
 * streaming real tool_calls) fetches a local page and answers with its text;
 * the same page is refused while private addresses are not allowed, and by
 * name and on redirect when only the address is; size, redirect and time
 * limits; readable text without the page's chrome.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Server } from "bun";
import { executeTool } from "../../../core/tools/execute.ts";
import type { OpenClawConfig } from "../../../core/config/schema.ts";
import { startTestGateway, type TestGateway } from "../../harness/gateway.ts";
import { startUpstream, type FakeUpstream } from "../../harness/openai-upstream.ts";
import { connected, type Frame, type RawSocket } from "../../harness/raw-socket.ts";

const ARTICLE = `<!doctype html><html><head><title>Otters of the Bay</title><script>var tracking = "SCRIPT-NOISE";</script></head>
<body><nav><a href="/">Home</a> | <a href="/about">About</a> NAV-NOISE</nav>
<article><h1>Otters of the Bay</h1>
<p>Sea otters hold hands while they sleep so that they do not drift apart. This habit is called rafting, and groups of otters can form rafts of more than a hundred animals.</p>
<p>They use rocks as tools to open shellfish, and each otter keeps a favourite rock in a pouch of skin under its forearm. The secret word is PERIWINKLE.</p>
<p>Otters groom their fur constantly because, unlike other marine mammals, they have no blubber and rely on trapped air to stay warm in cold water.</p>
</article><footer>FOOTER-NOISE copyright</footer></body></html>`;

let page: Server<undefined>;
let upstream: FakeUpstream;
let gw: TestGateway;
let sock: RawSocket;
let pageUrl: string;

/** The model: fetches the URL named in the user's message, then answers with what the tool returned. */
function fetcher(body: any) {
  const last = body.messages.at(-1);
  if (last.role === "tool") {
    let said: string;
    try {
      said = `Page says: ${JSON.parse(last.content).text}`;
    } catch {
      said = `The fetch failed: ${last.content}`;
    }
    return { pieces: [said] };
  }
  const url = /https?:\/\/[^\s"\\]+/.exec(JSON.stringify(last.content))![0];
  return { toolCalls: [{ id: "fetch_1", name: "web_fetch", arguments: JSON.stringify({ url, extractMode: "text" }) }] };
}

beforeAll(async () => {
  page = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    idleTimeout: 0,
    fetch(req) {
      const url = new URL(req.url);
      const here = `http://127.0.0.1:${url.port}`;
      switch (url.pathname) {
        case "/article": return new Response(ARTICLE, { headers: { "Content-Type": "text/html; charset=utf-8" } });
        case "/to-article": return Response.redirect(`${here}/article`, 302);
        case "/to-localhost": return Response.redirect(`http://localhost:${url.port}/article`, 302);
        case "/loop": return Response.redirect(`${here}/loop`, 302);
        case "/big": return new Response("z".repeat(200_000), { headers: { "Content-Type": "text/plain" } });
        case "/never": return new Promise<Response>(() => {});
        case "/image": return new Response(new Uint8Array([137, 80, 78, 71]), { headers: { "Content-Type": "image/png" } });
        default: return new Response("gone", { status: 404 });
      }
    },
  });
  pageUrl = `http://127.0.0.1:${page.port}`;
  upstream = startUpstream({ fetcher });
  gw = await startTestGateway({
    config: {
      models: { providers: { up: { baseUrl: upstream.baseUrl, models: ["fetcher"] } } },
      agents: { defaults: { model: "up/fetcher" }, list: [{ id: "main", default: true }, { id: "offline", model: "clawgate/embedded" }] },
      tools: { web: { fetch: { ssrfPolicy: { allowedHostnames: ["127.0.0.1"] }, timeoutSeconds: 0.5, maxResponseBytes: 32_000 } } },
    },
  });
  ({ sock } = await connected(gw.url));
});

afterAll(async () => {
  sock?.close();
  await gw?.stop();
  upstream?.stop();
  page?.stop(true);
});

const terminal = (runId: string) => sock.events("chat").map((f: Frame) => f.payload).find((p: any) => p.runId === runId && ["final", "error", "aborted"].includes(p.state));
async function ask(message: string, runId: string, sessionKey = "main"): Promise<string> {
  await sock.request("chat.send", { sessionKey, message, idempotencyKey: runId });
  await sock.until(() => terminal(runId) !== undefined, 10_000);
  return terminal(runId).message.content[0].text;
}

/** Calls the registered web_fetch directly, as the loop does, under `config`. */
async function fetchDirect(args: Record<string, unknown>, config: OpenClawConfig = gw.running.gateway.config) {
  await gw.running.gateway.tools.ready();
  const tool = gw.running.gateway.tools.get("web_fetch")!;
  return executeTool(tool, args, { agentId: "main", sessionKey: "agent:main:main", toolCallId: "t", config }, { signal: new AbortController().signal });
}

describe("a model fetches a local page", () => {
  test("the page's readable text ends up in the final answer", async () => {
    const answer = await ask(`Summarize ${pageUrl}/article please`, "fetch-1");
    expect(answer).toStartWith("Page says: ");
    expect(answer).toContain("Sea otters hold hands while they sleep");
    expect(answer).toContain("The secret word is PERIWINKLE.");
    // Readability kept the article and dropped the page chrome and scripts.
    for (const noise of ["NAV-NOISE", "FOOTER-NOISE", "SCRIPT-NOISE"]) expect(answer).not.toContain(noise);
  });

  test("the same page by a name that is not allowed is blocked, and the model is told why", async () => {
    const answer = await ask(`Read http://localhost:${page.port}/article`, "fetch-2");
    expect(answer).toBe("The fetch failed: Blocked: localhost is an internal hostname. Private and internal addresses are blocked; allow this host with tools.web.fetch.ssrfPolicy.allowedHostnames.");
  });

  test("without an ssrfPolicy allowance the local address itself is blocked", async () => {
    const strict = { ...gw.running.gateway.config, tools: {} };
    expect(await fetchDirect({ url: `${pageUrl}/article` }, strict)).toMatchObject({
      isError: true, kind: "forbidden", text: expect.stringMatching(/^Blocked: 127\.0\.0\.1 is a private or internal address\./),
    });
    const open = { ...strict, tools: { web: { fetch: { ssrfPolicy: { dangerouslyAllowPrivateNetwork: true } } } } };
    expect(await fetchDirect({ url: `${pageUrl}/article` }, open)).toMatchObject({ isError: false });
  });
});

describe("the embedded agent (no model at all)", () => {
  test("a URL in the message is fetched and the page's opening is the answer", async () => {
    const answer = await ask(`what does ${pageUrl}/article say?`, "offline-1", "agent:offline:main");
    expect(answer).toStartWith('"Otters of the Bay" says: ');
    expect(answer).toContain("Sea otters hold hands while they sleep");
  });
});

describe("limits", () => {
  test("a redirect is followed and checked again: to an allowed host it lands, to a blocked one it is refused", async () => {
    const ok = await fetchDirect({ url: `${pageUrl}/to-article` });
    expect(JSON.parse(ok.text)).toMatchObject({ status: 200, finalUrl: `${pageUrl}/article`, title: "Otters of the Bay", extractor: "readability" });
    expect(await fetchDirect({ url: `${pageUrl}/to-localhost` })).toMatchObject({ isError: true, kind: "forbidden", text: expect.stringMatching(/^Blocked: localhost is an internal hostname/) });
  });

  test("redirects stop at maxRedirects", async () => {
    expect(await fetchDirect({ url: `${pageUrl}/loop` })).toMatchObject({ isError: true, text: "Web fetch failed: too many redirects (limit 3)." });
  });

  test("a body past maxResponseBytes is cut and flagged; the output stays within the bound", async () => {
    const out = await fetchDirect({ url: `${pageUrl}/big`, maxChars: 20_000 });
    const result = JSON.parse(out.text);
    expect(result).toMatchObject({ truncated: true, rawLength: 32_000, warning: "Response body truncated at 32000 bytes." });
    expect(out.text.length).toBeLessThanOrEqual(16_000);
  });

  test("a page that never answers is abandoned at timeoutSeconds", async () => {
    expect(await fetchDirect({ url: `${pageUrl}/never` })).toMatchObject({ isError: true, text: "Web fetch timed out after 0.5 s." });
  });

  test("bad input: a non-http URL, an unparsable URL, binary content, an error status", async () => {
    expect(await fetchDirect({ url: "file:///etc/passwd" })).toMatchObject({ isError: true, kind: "input", text: "Blocked: only http and https URLs can be fetched (got file:)." });
    expect(await fetchDirect({ url: "not a url" })).toMatchObject({ isError: true, kind: "input", text: "Invalid URL: not a url" });
    expect(await fetchDirect({ url: `${pageUrl}/image` })).toMatchObject({ isError: true, text: "Web fetch failed: unsupported content type image/png." });
    expect(await fetchDirect({ url: `${pageUrl}/missing` })).toMatchObject({ isError: true, text: "Web fetch failed (404): gone" });
  });
});
