/**
 * Scenario: idle RSS of the `clawgate` bin (= `npm start`) with a linked WhatsApp account connected, beside the
 * same gateway without channels, in interleaved runs, and the disk size of the optional install. WhatsApp cannot be
 * reached from here, so the account talks to the tests' harness (test/harness/whatsapp-fake.ts): the real Baileys
 * 7.0.0-rc14 and qrcode are loaded from the state dir's extension folder, only `makeWASocket` is the harness's
 * socket. Each reading is VmRSS IDLE_MS after the account is connected, with the executable dropped from the page
 * cache first (lib/memory.ts says why). Medians; every run printed.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { extensionDir } from "../runtime-bun/host/channels/whatsapp/extension.ts";
import { prepareWhatsAppExtension, startWhatsApp, WHATSAPP_CACHE_STATE_DIR } from "../test/harness/whatsapp-fake.ts";
import { BENCH_TOKEN, BIN, BIN_EXECUTABLE, tempStateEnv } from "./lib/gateway-process.ts";
import { median, report, table } from "./lib/report.ts";
import { freePort, probeStart } from "./lib/start-probe.ts";

const RUNS = 5;
const IDLE_MS = 1000;

const fake = startWhatsApp();
const kept = tempStateEnv();

type Form = "none" | "whatsapp";
const FORMS: Form[] = ["none", "whatsapp"];

function stateFor(form: Form): Record<string, string> {
  const dir = join(kept.dir, form);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const config = { gateway: { mode: "local", auth: { mode: "token", token: BENCH_TOKEN } }, ...(form === "whatsapp" ? { channels: { whatsapp: {} } } : {}) };
  writeFileSync(join(dir, "openclaw.json"), JSON.stringify(config), { mode: 0o600 });
  if (form === "whatsapp") {
    prepareWhatsAppExtension(dir, fake.url);
    const authDir = join(dir, "credentials", "whatsapp", "default");
    mkdirSync(authDir, { recursive: true, mode: 0o700 });
    writeFileSync(join(authDir, "creds.json"), JSON.stringify({ me: { id: "15550001111:7@s.whatsapp.net" } }), { mode: 0o600 });
  }
  return { ...kept.env, OPENCLAW_STATE_DIR: dir };
}

/** Disk usage of the real optional install (what `channels add --channel whatsapp` adds), in MB. */
const installMb = Number(execFileSync("du", ["-sk", join(extensionDir(WHATSAPP_CACHE_STATE_DIR), "node_modules")], { encoding: "utf8" }).split("\t")[0]) / 1024;

const rss: Record<Form, number[]> = { none: [], whatsapp: [] };
try {
  const envs = { none: stateFor("none"), whatsapp: stateFor("whatsapp") };
  // One unmeasured start brings the bin's binary up to date.
  let port = freePort();
  await probeStart([BIN, "gateway", "run", "--port", String(port)], envs.none, port);
  for (let i = 0; i < RUNS; i++) {
    for (const form of FORMS) {
      port = freePort();
      const opened = fake.opened();
      const run = await probeStart([BIN, "gateway", "run", "--port", String(port)], envs[form], port, {
        idleMs: IDLE_MS,
        executable: BIN_EXECUTABLE,
        connect: async () => {
          if (form === "whatsapp") await fake.until(() => fake.opened() > opened && fake.connections() === 1, 15_000);
          return () => {};
        },
      });
      rss[form].push(run.mem!.rss);
      await fake.until(() => fake.connections() === 0);
    }
  }
} finally {
  fake.stop();
  rmSync(kept.dir, { recursive: true, force: true });
}

const mb = (xs: number[]) => xs.map((x) => x.toFixed(1)).join(" ");
console.log(table(["gateway (clawgate bin)", "median idle RSS", "runs (MB)"], FORMS.map((f) => [f === "none" ? "no channels" : "WhatsApp connected", `${median(rss[f]).toFixed(1)} MB`, mb(rss[f])])));
report({
  scenario: `idle RSS with WhatsApp connected (clawgate bin, real Baileys, harness socket; medians of ${RUNS} interleaved runs, ${IDLE_MS} ms after the link is up) and its optional install`,
  metrics: [
    { name: "idle RSS, no channels", value: median(rss.none), unit: "MB" },
    { name: "idle RSS, WhatsApp connected", value: median(rss.whatsapp), unit: "MB", note: `+${(median(rss.whatsapp) - median(rss.none)).toFixed(1)} MB over no channels` },
    { name: "optional install on disk (baileys + qrcode, peers omitted)", value: installMb, unit: "MB" },
  ],
});
