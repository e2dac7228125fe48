/**
 * Scenario: idle RSS of the `clawgate` bin (= `npm start`) with a Discord or a Slack account configured and
 * connected, beside the same gateway without channels, in interleaved runs. The services are the local Discord and
 * Slack of the tests (test/harness/discord-api.ts, slack-api.ts; real sockets, pointed at by DISCORD_API_URL /
 * SLACK_API_URL); each reading is VmRSS IDLE_MS after the account's link is up (Discord READY, Slack hello), with
 * the executable dropped from the page cache first (lib/memory.ts says why). Medians; every run printed.
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { startDiscord } from "../test/harness/discord-api.ts";
import { serveBun } from "../test/harness/serve-bun.ts";
import { startSlack } from "../test/harness/slack-api.ts";
import { BENCH_TOKEN, BIN, BIN_EXECUTABLE, tempStateEnv } from "./lib/gateway-process.ts";
import { median, report, table } from "./lib/report.ts";
import { freePort, probeStart } from "./lib/start-probe.ts";

const RUNS = 5;
const IDLE_MS = 1000;

const discord = startDiscord(serveBun);
const slack = startSlack(serveBun);
const kept = tempStateEnv();

type Form = "none" | "discord" | "slack";
const FORMS: Form[] = ["none", "discord", "slack"];
const channels: Record<Form, unknown> = {
  none: undefined,
  discord: { discord: { token: discord.token } },
  slack: { slack: { botToken: slack.botToken, appToken: slack.appToken } },
};
/** Waits until the form's account is connected; the gateway without channels has nothing to wait for. */
const linkUp: Record<Form, () => Promise<void>> = {
  none: async () => {},
  discord: () => discord.until(() => discord.connections() === 1 && discord.identifies.length + discord.resumes.length > 0, 15_000),
  slack: () => slack.until(() => slack.connections() === 1, 15_000),
};

function stateFor(form: Form): Record<string, string> {
  const dir = join(kept.dir, form);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const config = { gateway: { mode: "local", auth: { mode: "token", token: BENCH_TOKEN } }, ...(channels[form] ? { channels: channels[form] } : {}) };
  writeFileSync(join(dir, "openclaw.json"), JSON.stringify(config), { mode: 0o600 });
  return { ...kept.env, OPENCLAW_STATE_DIR: dir, DISCORD_API_URL: discord.apiUrl, SLACK_API_URL: slack.apiUrl };
}

const rss: Record<Form, number[]> = { none: [], discord: [], slack: [] };
try {
  const envs = Object.fromEntries(FORMS.map((f) => [f, stateFor(f)])) as Record<Form, Record<string, string>>;
  // One unmeasured start brings the bin's binary up to date.
  let port = freePort();
  await probeStart([BIN, "gateway", "run", "--port", String(port)], envs.none, port);
  for (let i = 0; i < RUNS; i++) {
    for (const form of FORMS) {
      port = freePort();
      const run = await probeStart([BIN, "gateway", "run", "--port", String(port)], envs[form], port, {
        idleMs: IDLE_MS,
        executable: BIN_EXECUTABLE,
        connect: async () => {
          await linkUp[form]();
          return () => {};
        },
      });
      rss[form].push(run.mem!.rss);
      // The next start must see its own link come up, not this one's.
      await discord.until(() => discord.connections() === 0);
      await slack.until(() => slack.connections() === 0);
    }
  }
} finally {
  discord.stop();
  slack.stop();
  rmSync(kept.dir, { recursive: true, force: true });
}

const mb = (xs: number[]) => xs.map((x) => x.toFixed(1)).join(" ");
console.log(table(["gateway (clawgate bin)", "median idle RSS", "runs (MB)"], FORMS.map((f) => [f === "none" ? "no channels" : `${f} connected`, `${median(rss[f]).toFixed(1)} MB`, mb(rss[f])])));
report({
  scenario: `idle RSS with one chat channel connected (clawgate bin; medians of ${RUNS} interleaved runs, ${IDLE_MS} ms after the link is up)`,
  metrics: [
    { name: "idle RSS, no channels", value: median(rss.none), unit: "MB" },
    { name: "idle RSS, Discord connected", value: median(rss.discord), unit: "MB", note: `+${(median(rss.discord) - median(rss.none)).toFixed(1)} MB over no channels` },
    { name: "idle RSS, Slack (Socket Mode) connected", value: median(rss.slack), unit: "MB", note: `+${(median(rss.slack) - median(rss.none)).toFixed(1)} MB over no channels` },
  ],
});
