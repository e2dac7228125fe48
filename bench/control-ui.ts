/**
 * Scenario: clawgate's own Control UI in headless Chromium (issue 15),
 * against the real CLI gateway in a child process whose model is a local
 * OpenAI-compatible SSE server that answers at once:
 * - page weight: the document and every script and stylesheet it links, as
 *   sent to a browser that accepts gzip;
 * - page load -> chat ready: navigation to `/chat/main` until the composer
 *   shows, signed in with the device token of an earlier visit;
 * - first chat reply: Enter pressed in the composer -> the first words of the
 *   reply on screen (in-page clock), then the run ends before the next sample.
 * Medians over RUNS after WARMUP; Chromium is Debian's (/usr/bin/chromium).
 * Budget: page weight (JS + CSS, gzip) <= 150 KB.
 */
import { chromium } from "playwright-core";
import { BENCH_TOKEN, localModelConfig, startGatewayProcess } from "./lib/gateway-process.ts";
import { quantile, report } from "./lib/report.ts";

const RUNS = 20;
const WARMUP = 3;
const CHROMIUM = process.env.CLAWGATE_CHROMIUM ?? "/usr/bin/chromium";
const encoder = new TextEncoder();

const upstream = Bun.serve({
  port: 0,
  hostname: "127.0.0.1",
  async fetch(req) {
    const body = await req.json();
    const frame = (choices: unknown[]) => `data: ${JSON.stringify({ id: "chatcmpl-bench", object: "chat.completion.chunk", created: 0, model: body.model, choices })}\n\n`;
    let text = frame([{ index: 0, delta: { role: "assistant", content: "" }, finish_reason: null }]);
    for (const p of ["Hello", " from", " the", " model."]) text += frame([{ index: 0, delta: { content: p }, finish_reason: null }]);
    text += frame([{ index: 0, delta: {}, finish_reason: "stop" }]) + "data: [DONE]\n\n";
    return new Response(encoder.encode(text), { headers: { "Content-Type": "text/event-stream" } });
  },
});

const gateway = await startGatewayProcess("bun", [], localModelConfig(`http://127.0.0.1:${upstream.port}/v1`, "fast"));
const browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"], headless: true });

try {
  const { port } = gateway;
  const origin = `http://127.0.0.1:${port}`;

  // Page weight as a browser gets it.
  const html = await (await fetch(`${origin}/`, { headers: { "Accept-Encoding": "gzip" } })).text();
  const assets = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1]!);
  let assetBytes = 0;
  for (const path of assets) {
    // fetch() decodes gzip itself; the raw size comes from a request that sees the encoded body.
    const res = await fetch(`${origin}${path}`, { headers: { "Accept-Encoding": "gzip" }, decompress: false } as RequestInit);
    assetBytes += (await res.arrayBuffer()).byteLength;
  }
  const docBytes = (await (await fetch(`${origin}/`, { headers: { "Accept-Encoding": "gzip" }, decompress: false } as RequestInit)).arrayBuffer()).byteLength;

  const page = await browser.newPage();
  await page.goto(`${origin}/`);
  await page.getByLabel("Gateway token").fill(BENCH_TOKEN);
  await page.getByRole("button", { name: "Connect" }).click();
  await page.locator("#draft").waitFor();

  const ready: number[] = [];
  const firstReply: number[] = [];
  for (let i = 0; i < WARMUP + RUNS; i++) {
    const t0 = performance.now();
    await page.goto(`${origin}/chat/main`);
    await page.locator("#draft").waitFor();
    const loaded = performance.now() - t0;
    await page.evaluate(() => {
      const w = window as any;
      w.__first = 0;
      new MutationObserver(() => {
        const el = document.querySelector(".msg.streaming");
        if (!w.__first && el?.textContent?.startsWith("Hello")) w.__first = performance.now();
      }).observe(document.body, { subtree: true, childList: true, characterData: true });
    });
    await page.locator("#draft").fill(`sample ${i}`);
    await page.evaluate(() => ((window as any).__t0 = performance.now()));
    await page.keyboard.press("Enter");
    await page.waitForFunction(() => (window as any).__first > 0);
    const reply = await page.evaluate(() => (window as any).__first - (window as any).__t0);
    await page.getByRole("button", { name: "Send" }).waitFor();
    if (i >= WARMUP) {
      ready.push(loaded);
      firstReply.push(reply);
    }
  }
  const sorted = (v: number[]) => [...v].sort((a, b) => a - b);
  report({
    scenario: "Control UI in headless Chromium (gateway in a child process, local OpenAI SSE upstream)",
    metrics: [
      { name: "page weight, JS + CSS (gzip)", value: assetBytes / 1024, unit: "KB", budget: { op: "<=", limit: 150 }, note: `${assets.length} files` },
      { name: "page weight, document (gzip when sent so)", value: docBytes / 1024, unit: "KB" },
      { name: "page load -> chat ready p50 (device token)", value: quantile(sorted(ready), 0.5), unit: "ms", note: `p90 ${quantile(sorted(ready), 0.9).toFixed(1)} ms` },
      { name: "Enter -> first reply words on screen p50", value: quantile(sorted(firstReply), 0.5), unit: "ms", note: `p90 ${quantile(sorted(firstReply), 0.9).toFixed(1)} ms, ${RUNS} runs` },
    ],
  });
} finally {
  await browser.close();
  await gateway.stop();
  upstream.stop(true);
}
