/**
 * Test harness for the Control UI's browser tests: the real CLI gateway in a
 * child process whose agents talk to a local OpenAI-compatible server ("main"
 * tells a short story in pieces, "hold" streams a few words and then holds
 * the stream open), and the login form filled in.
 */
import type { Page } from "playwright-core";
import { TEST_TOKEN } from "./gateway.ts";
import { startUpstream, type FakeUpstream } from "./openai-upstream.ts";
import { startRuntimeGateway, type RuntimeGateway } from "./runtimes.ts";

export interface UiGateway {
  gw: RuntimeGateway;
  upstream: FakeUpstream;
  origin: string;
  stop(): Promise<void>;
}

export async function startUiGateway(): Promise<UiGateway> {
  const upstream = startUpstream({
    story: { pieces: ["Once ", "upon ", "a ", "time."], delayMs: 30 },
    endless: { pieces: ["Counting: ", "one, ", "two, "], hold: true },
  });
  try {
    const gw = await startRuntimeGateway("bun", {
      config: {
        models: { providers: { up: { baseUrl: upstream.baseUrl, apiKey: "sk-test", models: ["story", "endless"] } } },
        agents: { list: [{ id: "main", default: true, model: "up/story" }, { id: "hold", model: "up/endless" }] },
      },
    });
    return {
      gw,
      upstream,
      origin: `http://127.0.0.1:${gw.port}`,
      async stop() {
        await gw.stop();
        upstream.stop();
      },
    };
  } catch (error) {
    upstream.stop();
    throw error;
  }
}

/** Opens `origin` and submits the login form with `token`. */
export async function logIn(page: Page, origin: string, token = TEST_TOKEN): Promise<void> {
  await page.goto(`${origin}/`);
  await page.getByLabel("Gateway token").fill(token);
  await page.getByRole("button", { name: "Connect" }).click();
}
