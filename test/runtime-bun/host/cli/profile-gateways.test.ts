/**
 * Profiles (spec §11, as upstream): `--profile NAME` isolates state and config
 * under ~/.openclaw-NAME but not the port; `gateway status --deep` lists the
 * gateways other profiles run. Real child processes in one HOME.
 */
import { afterEach, expect, test } from "bun:test";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { freshHome, runCli, spawnGateway, type ChildGateway } from "../../../harness/process.ts";

let home = "";
const gateways: ChildGateway[] = [];
afterEach(async () => {
  for (const g of gateways.splice(0)) {
    g.proc.kill("SIGTERM");
    await g.proc.exited;
  }
  rmSync(home, { recursive: true, force: true });
});

test("a running --profile work gateway -> listed by the default profile's `gateway status --deep`, text and JSON", async () => {
  home = freshHome();
  const main = await spawnGateway(home, ["--port", "0"]);
  gateways.push(main);
  const work = await spawnGateway(home, ["--port", "0", "--profile", "work"]);
  gateways.push(work);

  const text = await runCli(home, ["gateway", "status", "--deep", "--no-probe"]);
  expect(text.code).toBe(0);
  expect(text.stdout).toContain(`    profile work · running (pid ${work.proc.pid}, port ${work.port}) · ${join(home, ".openclaw-work")}`);
  const json = JSON.parse((await runCli(home, ["gateway", "status", "--deep", "--no-probe", "--json"])).stdout);
  expect(json.extraServices).toContainEqual({ kind: "pid-file", profile: "work", stateDir: join(home, ".openclaw-work"), pid: work.proc.pid, port: work.port });
  // And the other way round: the work profile sees the default one.
  const fromWork = await runCli(home, ["--profile", "work", "gateway", "status", "--deep", "--no-probe"]);
  expect(fromWork.stdout).toContain(`    profile default · running (pid ${main.proc.pid}, port ${main.port})`);
  // Without --deep nothing else is listed.
  expect((await runCli(home, ["gateway", "status", "--no-probe"])).stdout).not.toContain("profile work");
}, 60_000);

test("--profile changes state dir and config, not the default port; help says so", async () => {
  home = freshHome();
  const status = JSON.parse((await runCli(home, ["--profile", "work", "gateway", "status", "--no-probe", "--json"])).stdout);
  expect(JSON.stringify(status)).toContain(join(home, ".openclaw-work", "openclaw.json"));
  expect(status.port.port).toBe(18789);
  const help = await runCli(home, ["--help"]);
  expect(help.stdout).toContain("--profile <name>  Use ~/.openclaw-<name> (isolated state and config; the port stays 18789 unless the profile sets gateway.port or --port)");
}, 30_000);
