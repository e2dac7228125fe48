/**
 * A model's long fenced reply, end to end: a local OpenAI-compatible model (test/harness/openai-upstream.ts) answers
 * a Telegram DM with a code block longer than `textChunkLimit`; the local Bot API receives it as several messages,
 * each one whole `<pre>` block (the fence closed at the end of a chunk and reopened at the start of the next), with
 * every code line once, in order, and the text after the block in the last message.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { removeGateway, writeGatewayConfig } from "../../../harness/channel-gateway.ts";
import { startUpstream, type FakeUpstream } from "../../../harness/openai-upstream.ts";
import { spawnGatewayOn, type ChildGateway } from "../../../harness/process.ts";
import { startTelegramApi, type FakeTelegram } from "../../../harness/telegram-api.ts";

const code = Array.from({ length: 80 }, (_, i) => `    if (x > ${i}) return f(x, ${i});`);
const REPLY = `Here you go:\n\n\`\`\`ts\nfunction g(x: number) {\n${code.join("\n")}\n}\n\`\`\`\n\nDone.`;
const stateDir = mkdtempSync(join(tmpdir(), "clawgate-telegram-chunking-"));
let tg: FakeTelegram;
let model: FakeUpstream;
let gw: ChildGateway;

beforeAll(async () => {
  tg = startTelegramApi();
  model = startUpstream({ coder: { pieces: [REPLY] } });
  writeGatewayConfig(stateDir, "telegram-chunking-token-0123456789", {
    models: { providers: { up: { baseUrl: model.baseUrl, models: ["coder"] } } },
    agents: { defaults: { model: "up/coder" } },
    channels: { telegram: { botToken: tg.token, apiRoot: tg.apiRoot, dmPolicy: "open", allowFrom: ["*"], textChunkLimit: 900 } },
  });
  gw = await spawnGatewayOn(stateDir);
  await tg.until(() => tg.polling() > 0);
});
afterAll(() => {
  removeGateway(stateDir, { gw });
  tg?.stop();
  model?.stop();
});

const unescape = (html: string) => html.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");

test("a fenced reply over textChunkLimit -> messages that each hold one whole <pre> block; code lines all there, in order", async () => {
  tg.message({ from: 4242, text: "write the function" });
  await tg.until(() => tg.sent.some((m) => m.text.endsWith("Done.")));
  const texts = tg.sent.map((m) => m.text);
  expect(texts.length).toBeGreaterThan(2);
  for (const text of texts) {
    expect(text).not.toContain("```");
    expect(text.split("<pre>").length).toBe(text.split("</pre>").length);
    expect(text.length).toBeLessThanOrEqual(4096);
  }
  expect(texts[0]!.startsWith("Here you go:\n\n<pre>function g(x: number) {\n")).toBe(true);
  for (const text of texts.slice(1, -1)) expect(text).toMatch(/^<pre>[\s\S]*<\/pre>$/);
  expect(texts.at(-1)!.endsWith("</pre>\n\nDone.")).toBe(true);
  const lines = texts.flatMap((t) => [...t.matchAll(/<pre>([\s\S]*?)<\/pre>/g)].flatMap((m) => unescape(m[1]!).split("\n")));
  expect(lines).toEqual(["function g(x: number) {", ...code, "}"]);
}, 60_000);
