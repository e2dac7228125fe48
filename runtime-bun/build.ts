/**
 * `npm run build`: the single static binary, `dist/clawgate-linux-x64` and
 * `dist/clawgate-linux-arm64`, with `bun build --compile` (Bun fetches the
 * arm64 runtime from the npm registry once). Bytecode is embedded for a
 * faster cold start and laid out by a recorded start-up (profile-guided:
 * what `gateway run` loads sits together, so a start reads and keeps fewer
 * pages of the binary). The code is split into chunks as `npm start`'s bundle
 * is, so code the CLI imports on demand (other verbs, channel clients) is
 * neither parsed nor loaded until used: 3-4 MB less RSS than one chunk
 * holding all of it (bench binary-budget). Bun's own .env/bunfig autoloading
 * is off so the binary layers the environment exactly as OpenClaw does
 * (spec §11).
 *
 * `--host FILE` compiles for this machine into FILE, swapped in whole: what
 * the `clawgate` bin and `npm start` run (runtime-bun/bin/clawgate).
 *
 * Usage: bun runtime-bun/build.ts [x64|arm64]... [--outdir DIR]
 *        bun runtime-bun/build.ts --host FILE
 */
import { mkdirSync, mkdtempSync, renameSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { STARTUP_JIT_POLICY } from "./jit-policy.ts";

const ROOT = resolve(import.meta.dir, "..");
export const ENTRY = join(ROOT, "runtime-bun", "bin", "clawgate.ts");
export const TARGETS = { x64: "bun-linux-x64", arm64: "bun-linux-arm64" } as const;
export type Arch = keyof typeof TARGETS;

const RECORD_TIMEOUT_MS = 20_000;

/** Compiles `ENTRY` to `outfile`; `target` undefined means this host. */
async function compile(outfile: string, target: string | undefined, bytecodeOrder?: string): Promise<void> {
  const proc = Bun.spawn([
    process.execPath, "build", ENTRY,
    "--compile", ...(target ? [`--target=${target}`] : []), "--outfile", outfile, "--splitting",
    "--minify", "--bytecode", "--format=esm", `--compile-jit-policy=${STARTUP_JIT_POLICY}`,
    ...(bytecodeOrder ? [`--bytecode-order=${bytecodeOrder}`] : []),
    "--no-compile-autoload-dotenv", "--no-compile-autoload-bunfig",
  ], { cwd: ROOT, stdout: "pipe", stderr: "pipe" });
  const [out, err, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  if (code !== 0) throw new Error(`bun build ${target ?? "(host)"} failed (exit ${code}):\n${out}${err}`);
}

/** Compiles one target; resolves with the binary's path or rejects with Bun's output. */
export async function buildBinary(arch: Arch, outdir: string, bytecodeOrder?: string): Promise<string> {
  const outfile = join(outdir, `clawgate-linux-${arch}`);
  await compile(outfile, TARGETS[arch], bytecodeOrder);
  return outfile;
}

/**
 * One operator connect, challenge to hello-ok, so the recorded profile holds the
 * handshake's code too: the first clients then touch pages already laid out
 * beside start-up's (bench binary-budget, RSS with 10 clients).
 */
function connectOnce(url: string, token: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    const timer = setTimeout(() => reject(new Error("recording connect timed out")), RECORD_TIMEOUT_MS);
    ws.onmessage = (ev) => {
      const frame = JSON.parse(String(ev.data)) as { type?: string; event?: string; id?: string; ok?: boolean };
      if (frame.type === "event" && frame.event === "connect.challenge") {
        ws.send(JSON.stringify({ type: "req", id: "c", method: "connect", params: { minProtocol: 4, maxProtocol: 4, client: { id: "cli", version: "record", platform: "linux", mode: "cli" }, auth: { token }, role: "operator", scopes: ["operator.read"] } }));
      } else if (frame.type === "res" && frame.id === "c") {
        clearTimeout(timer);
        ws.close();
        if (frame.ok) resolve();
        else reject(new Error(`recording connect refused: ${String(ev.data)}`));
      }
    };
    ws.onerror = () => reject(new Error("recording connect failed"));
  });
}

/**
 * Records which bytecode a start of `gateway run` uses: a host build runs
 * in a throw-away state dir with BUN_BYTECODE_ORDER_OUT until it listens,
 * answers one /health probe and one client's connect, and stops on SIGTERM,
 * writing the profile.
 * Nothing of the caller's environment or state reaches it. One profile
 * serves every target (Bun matches functions by a hash of their syntax).
 */
export async function recordStartupOrder(workdir: string): Promise<string> {
  const binary = join(workdir, "clawgate-record");
  const order = join(workdir, "startup.order");
  await compile(binary, undefined);
  const home = join(workdir, "home");
  const token = crypto.randomUUID();
  const proc = Bun.spawn([binary, "gateway", "run", "--port", "0", "--token", token], {
    env: { PATH: process.env.PATH ?? "", HOME: home, OPENCLAW_STATE_DIR: join(home, ".openclaw"), OPENCLAW_DISABLE_BONJOUR: "1", BUN_BYTECODE_ORDER_OUT: order },
    stdin: "ignore", stdout: "pipe", stderr: "pipe",
  });
  const timer = setTimeout(() => proc.kill("SIGKILL"), RECORD_TIMEOUT_MS);
  try {
    let seen = "";
    const decoder = new TextDecoder();
    const reader = proc.stdout.getReader();
    for (let r = await reader.read(); !r.done; r = await reader.read()) {
      seen += decoder.decode(r.value, { stream: true });
      const port = /clawgate listening on port (\d+)/.exec(seen)?.[1];
      if (!port) continue;
      await fetch(`http://127.0.0.1:${port}/health`);
      await connectOnce(`ws://127.0.0.1:${port}`, token);
      proc.kill("SIGTERM");
      break;
    }
    const code = await proc.exited;
    if (code !== 0 || !(await Bun.file(order).exists())) {
      throw new Error(`recording the start-up profile failed (exit ${code}):\n${await new Response(proc.stderr).text()}`);
    }
    return order;
  } finally {
    clearTimeout(timer);
  }
}

/** What `npm run build` makes: records the start-up once, then builds each target laid out by it. */
export async function buildRelease(arches: Arch[], outdir: string, log: (line: string) => void = () => {}): Promise<string[]> {
  const workdir = mkdtempSync(join(tmpdir(), "clawgate-build-"));
  try {
    const t0 = performance.now();
    const order = await recordStartupOrder(workdir);
    log(`recorded the start-up bytecode profile in ${Math.round(performance.now() - t0)} ms`);
    const built: string[] = [];
    for (const arch of arches) {
      const t1 = performance.now();
      built.push(await buildBinary(arch, outdir, order));
      log(`built ${built.at(-1)} in ${Math.round(performance.now() - t1)} ms`);
    }
    return built;
  } finally {
    rmSync(workdir, { recursive: true, force: true });
  }
}

/**
 * This machine's binary at `outfile`, laid out by a recorded start-up as a release is. It is
 * built beside `outfile` and renamed over it, so a start running at the same time never
 * sees half a file, and of two concurrent builds one simply wins.
 */
export async function buildHost(outfile: string): Promise<void> {
  mkdirSync(dirname(outfile), { recursive: true });
  const workdir = mkdtempSync(join(dirname(outfile), ".build-"));
  try {
    const order = await recordStartupOrder(workdir);
    const built = join(workdir, "clawgate");
    await compile(built, undefined, order);
    renameSync(built, outfile);
  } finally {
    rmSync(workdir, { recursive: true, force: true });
  }
}

if (import.meta.main) {
  const args = process.argv.slice(2);
  const host = args.indexOf("--host");
  if (host >= 0) {
    if (!args[host + 1]) throw new Error("--host needs the output file");
    await buildHost(resolve(args[host + 1]!));
  } else {
    const i = args.indexOf("--outdir");
    const outdir = resolve(i >= 0 ? args[i + 1]! : join(ROOT, "dist"));
    const arches = args.filter((a, j) => a !== "--outdir" && args[j - 1] !== "--outdir") as Arch[];
    for (const arch of arches) if (!(arch in TARGETS)) throw new Error(`unknown target ${arch}; use x64 or arm64`);
    await buildRelease(arches.length ? arches : (Object.keys(TARGETS) as Arch[]), outdir, console.log);
  }
}
