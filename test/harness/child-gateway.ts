/**
 * The real CLI as a child gateway (`clawgate gateway run --port 0`) on a
 * state dir the test owns, so it can be killed and started again on the same
 * files.
 */
import type { Subprocess } from "bun";
import { join } from "node:path";

const ENTRY = join(import.meta.dir, "..", "..", "runtime-bun", "bin", "clawgate.ts");

export interface ChildGateway {
  proc: Subprocess<"ignore", "pipe", "pipe">;
  port: number;
  url: string;
  /** Everything the child wrote to stderr so far. */
  stderr(): string;
}

/** Starts a gateway on `stateDir`; resolves once it printed "clawgate listening on port N". */
export async function startChildGateway(stateDir: string, timeoutMs = 10_000): Promise<ChildGateway> {
  const proc = Bun.spawn([process.execPath, ENTRY, "gateway", "run", "--port", "0"], {
    env: { ...process.env, OPENCLAW_STATE_DIR: stateDir, HOME: stateDir },
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  let errText = "";
  void (async () => {
    const errors = proc.stderr.getReader();
    const text = new TextDecoder();
    for (let r = await errors.read(); !r.done; r = await errors.read()) errText += text.decode(r.value, { stream: true });
  })();
  const reader = proc.stdout.getReader();
  const decoder = new TextDecoder();
  let out = "";
  const deadline = setTimeout(() => proc.kill("SIGKILL"), timeoutMs);
  try {
    for (;;) {
      const match = /clawgate listening on port (\d+)/.exec(out);
      if (match) {
        const port = Number(match[1]);
        // Keep draining so the child never blocks on a full pipe.
        void (async () => {
          while (!(await reader.read()).done);
        })();
        return { proc, port, url: `ws://127.0.0.1:${port}`, stderr: () => errText };
      }
      const { value, done } = await reader.read();
      if (done) throw new Error(`gateway exited before listening (code ${await proc.exited}):\n${errText}`);
      out += decoder.decode(value, { stream: true });
    }
  } finally {
    clearTimeout(deadline);
  }
}
