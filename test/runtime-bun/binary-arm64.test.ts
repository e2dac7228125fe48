/**
 * Smoke test of dist/clawgate-linux-arm64 (a Raspberry Pi 5 is the target)
 * under qemu-user on this x86-64 host: it starts, answers /health, and the
 * reference client connects. Emulated timings mean nothing here. Runs where
 * `qemu-aarch64` and the arm64 libc are installed (.ci/run installs them);
 * `npm run test:arm64` runs it alone.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildRelease } from "../../runtime-bun/build.ts";
import { childEnv } from "../harness/process.ts";
import { connectClient } from "../harness/reference-client.ts";
import { skipWithout } from "../harness/capability.ts";

const qemu = Bun.which("qemu-aarch64");
const arm64Libc = existsSync("/usr/lib/aarch64-linux-gnu/libc.so.6") || existsSync("/lib/aarch64-linux-gnu/libc.so.6");
const canRun = !skipWithout(qemu !== null && arm64Libc && process.platform === "linux", "the linux-arm64 binary smoke test", "qemu-aarch64 and libc6:arm64 are not installed (apt-get install qemu-user libc6:arm64 libstdc++6:arm64)");

let dir: string;
let bin: string;
beforeAll(async () => {
  if (!canRun) return;
  dir = mkdtempSync(join(tmpdir(), "clawgate-arm64-"));
  [bin] = await buildRelease(["arm64"], dir);
}, 120_000);
afterAll(() => {
  if (canRun) rmSync(dir, { recursive: true, force: true });
});

const env = () => ({ ...childEnv(join(dir, "home")), QEMU_LD_PREFIX: "/" });

describe.skipIf(!canRun)("dist/clawgate-linux-arm64 under qemu-aarch64", () => {
  test("--version", async () => {
    const proc = Bun.spawn([qemu!, bin, "--version"], { env: env(), stdout: "pipe", stderr: "pipe" });
    expect(await new Response(proc.stdout).text()).toMatch(/^clawgate \d+\.\d+\.\d+\n$/);
    expect(await proc.exited).toBe(0);
  }, 60_000);

  test("gateway run -> /health 200, the reference client connects, SIGTERM exits 0", async () => {
    const proc = Bun.spawn([qemu!, bin, "gateway", "run", "--port", "0", "--token", "arm64-smoke-token-0123456789"], { env: env(), stdout: "pipe", stderr: "pipe" });
    try {
      const reader = proc.stdout.getReader();
      let out = "";
      while (!/listening on port (\d+)/.test(out)) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`arm64 binary exited: ${out}${await new Response(proc.stderr).text()}`);
        out += new TextDecoder().decode(value);
      }
      const port = Number(/listening on port (\d+)/.exec(out)![1]);
      expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200);
      const { client } = await connectClient({ url: `ws://127.0.0.1:${port}`, token: "arm64-smoke-token-0123456789" });
      expect((await client.request<any>("health")).ok).toBe(true);
      client.stop();
      proc.kill("SIGTERM");
      expect(await proc.exited).toBe(0);
    } finally {
      proc.kill("SIGKILL");
    }
  }, 60_000);
});
