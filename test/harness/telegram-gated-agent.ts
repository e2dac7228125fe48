/**
 * What the Telegram kill -9 tests run on: the local Bot API, a model whose answers wait for `release("slow")` (so a
 * kill can land while the agent is still answering), and gateway children on one state dir that outlives each of
 * them, with open DMs.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeGatewayConfig } from "./channel-gateway.ts";
import { startUpstream, type FakeUpstream } from "./openai-upstream.ts";
import { spawnGatewayOn, type ChildGateway } from "./process.ts";
import { startTelegramApi, type FakeTelegram } from "./telegram-api.ts";

export interface GatedTelegram {
  tg: FakeTelegram;
  /** Serves model `slow`, answering "answer from the model" once released. */
  upstream: FakeUpstream;
  stateDir: string;
  /** Starts a gateway child on the state dir. */
  start(): Promise<ChildGateway>;
  /** Kills every child started, stops the fakes and removes the state dir. */
  stop(): void;
}

/** Starts the fakes and writes the config: token auth, the `slow` model as the agents' default, `telegram` added to the Bot API's token and root. */
export function startGatedTelegram(prefix: string, token: string, telegram: Record<string, unknown> = {}): GatedTelegram {
  const stateDir = mkdtempSync(join(tmpdir(), prefix));
  const tg = startTelegramApi();
  const upstream = startUpstream({ slow: { pieces: ["answer ", "from the model"], gated: true } });
  const children: ChildGateway[] = [];
  writeGatewayConfig(stateDir, token, {
    models: { providers: { up: { baseUrl: upstream.baseUrl, apiKey: "sk-test", models: ["slow"] } } },
    agents: { defaults: { model: "up/slow" } },
    channels: { telegram: { botToken: tg.token, apiRoot: tg.apiRoot, dmPolicy: "open", allowFrom: ["*"], ...telegram } },
  });
  return {
    tg,
    upstream,
    stateDir,
    async start() {
      const child = await spawnGatewayOn(stateDir);
      children.push(child);
      return child;
    },
    stop() {
      for (const gw of children) gw.proc.kill("SIGKILL");
      tg.stop();
      upstream.stop();
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}
