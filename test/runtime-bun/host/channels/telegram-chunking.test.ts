/**
 * Long replies end to end: a local OpenAI-compatible model (test/harness/openai-upstream.ts) answers Telegram DMs,
 * with `textChunkLimit` at Telegram's 4,096, and the local Bot API receives each answer as several messages:
 * - a code block longer than the limit: each message one whole `<pre>` block (the fence closed at the end of a chunk
 *   and reopened at the start of the next), every code line once, in order, the text after the block in the last;
 * - ~4,000 characters full of `&` and `<` (4 or 5 characters each once escaped): cut so that every message's HTML is
 *   within the limit, as upstream does, so every message goes out formatted and none is refused; every word once.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { removeGateway, writeGatewayConfig } from "../../../harness/channel-gateway.ts";
import { startUpstream, type FakeUpstream } from "../../../harness/openai-upstream.ts";
import { spawnGatewayOn, type ChildGateway } from "../../../harness/process.ts";
import { startTelegramApi, type FakeTelegram } from "../../../harness/telegram-api.ts";

const code = Array.from({ length: 250 }, (_, i) => `    if (x > ${i}) return f(x, ${i});`);
const FENCED = `Here you go:\n\n\`\`\`ts\nfunction g(x: number) {\n${code.join("\n")}\n}\n\`\`\`\n\nDone.`;
const ESCAPED = `${Array.from({ length: 450 }, (_, i) => `a<b&&${i}`).join(" ")} **end**`;
const stateDir = mkdtempSync(join(tmpdir(), "clawgate-telegram-chunking-"));
let tg: FakeTelegram;
let model: FakeUpstream;
let gw: ChildGateway;

beforeAll(async () => {
  tg = startTelegramApi();
  // Each prompt gets its own reply.
  model = startUpstream({ coder: (body) => ({ pieces: [JSON.stringify(body.messages).includes("escape this") ? ESCAPED : FENCED] }) });
  writeGatewayConfig(stateDir, "telegram-chunking-token-0123456789", {
    models: { providers: { up: { baseUrl: model.baseUrl, models: ["coder"] } } },
    agents: { defaults: { model: "up/coder" } },
    channels: { telegram: { botToken: tg.token, apiRoot: tg.apiRoot, dmPolicy: "open", allowFrom: ["*"], textChunkLimit: 4096 } },
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
const words = (text: string) => text.split(/\s+/).filter(Boolean);
const sentTo = (chat: number) => tg.sent.filter((m) => m.chat_id === String(chat));

test("a fenced reply over textChunkLimit -> messages that each hold one whole <pre> block; code lines all there, in order", async () => {
  tg.message({ from: 4242, text: "write the function" });
  await tg.until(() => sentTo(4242).some((m) => m.text.endsWith("Done.")));
  const texts = sentTo(4242).map((m) => m.text);
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

test("~4,000 characters of & and < -> HTML messages each within 4,096 characters, every word once, in order", async () => {
  expect(ESCAPED.length).toBeGreaterThan(3900);
  expect(ESCAPED.length).toBeLessThan(4000);
  tg.message({ from: 4343, text: "escape this" });
  await tg.until(() => sentTo(4343).some((m) => m.text.endsWith("<b>end</b>")));
  const sent = sentTo(4343);
  expect(sent.length).toBeGreaterThan(1);
  for (const message of sent) {
    expect(message.parse_mode).toBe("HTML");
    expect(message.text.length).toBeLessThanOrEqual(4096);
  }
  expect(sent.flatMap((m) => words(unescape(m.text.replace("<b>end</b>", "**end**"))))).toEqual(words(ESCAPED));
}, 60_000);
