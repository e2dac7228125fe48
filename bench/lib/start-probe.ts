/**
 * One measured start of a server process, shared by the process budgets:
 * spawn, poll `GET /health` every millisecond until 200 (the cold start),
 * then optionally wait `idleMs` and read its memory, with the executable
 * dropped from the page cache before the spawn (memory.ts says why).
 */
import { drainTail } from "./gateway-process.ts";
import { dropFromPageCache, memory } from "./memory.ts";

const START_TIMEOUT_MS = 10_000;

/** A port nothing listens on right now. */
export function freePort(): number {
  const probe = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const port = probe.port;
  probe.stop(true);
  return port;
}

export interface StartProbe {
  startMs: number;
  /** Present when the run measured memory. */
  mem?: ReturnType<typeof memory>;
}

/**
 * Starts `argv` (argv[0] an executable path) serving /health on `port`; stops it with SIGTERM afterwards.
 * `executable`: the program that ends up running, when argv[0] execs another (the bin); default argv[0].
 */
export async function probeStart(argv: string[], env: Record<string, string>, port: number, opts: { idleMs?: number; connect?: (port: number) => Promise<() => void>; executable?: string } = {}): Promise<StartProbe> {
  if (opts.idleMs !== undefined) await dropFromPageCache(opts.executable ?? argv[0]!);
  const t0 = performance.now();
  const proc = Bun.spawn(argv, { env, stdin: "ignore", stdout: "ignore", stderr: "pipe" });
  const stderr = drainTail(proc.stderr);
  try {
    let startMs = NaN;
    while (performance.now() - t0 < START_TIMEOUT_MS) {
      if (proc.exitCode !== null) throw new Error(`${argv.join(" ")} exited with ${proc.exitCode}:\n${stderr()}`);
      if (await fetch(`http://127.0.0.1:${port}/health`).then((r) => r.status === 200, () => false)) {
        startMs = performance.now() - t0;
        break;
      }
      await Bun.sleep(1);
    }
    if (Number.isNaN(startMs)) throw new Error(`no /health 200 within ${START_TIMEOUT_MS} ms:\n${stderr()}`);
    if (opts.idleMs === undefined) return { startMs };
    // Clients connected before the idle wait, so the reading includes what they cost the server.
    const disconnect = await opts.connect?.(port);
    try {
      await Bun.sleep(opts.idleMs);
      return { startMs, mem: memory(proc.pid) };
    } finally {
      disconnect?.();
    }
  } finally {
    proc.kill("SIGTERM");
    await proc.exited;
  }
}
