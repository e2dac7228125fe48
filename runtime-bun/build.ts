/**
 * `npm run build`: the single static binary, `dist/clawgate-linux-x64` and
 * `dist/clawgate-linux-arm64`, with `bun build --compile` (Bun fetches the
 * arm64 runtime from the npm registry once). Bytecode is embedded for a
 * faster cold start; Bun's own .env/bunfig autoloading is off so the binary
 * layers the environment exactly as OpenClaw does (spec §11).
 *
 * Usage: bun runtime-bun/build.ts [x64|arm64]... [--outdir DIR]
 */
import { join, resolve } from "node:path";

const ROOT = resolve(import.meta.dir, "..");
export const ENTRY = join(ROOT, "runtime-bun", "bin", "clawgate.ts");
export const TARGETS = { x64: "bun-linux-x64", arm64: "bun-linux-arm64" } as const;
export type Arch = keyof typeof TARGETS;

/** Compiles one target; resolves with the binary's path or rejects with Bun's output. */
export async function buildBinary(arch: Arch, outdir: string): Promise<string> {
  const outfile = join(outdir, `clawgate-linux-${arch}`);
  const proc = Bun.spawn([
    process.execPath, "build", ENTRY,
    "--compile", `--target=${TARGETS[arch]}`, "--outfile", outfile,
    "--minify", "--bytecode", "--format=esm",
    "--no-compile-autoload-dotenv", "--no-compile-autoload-bunfig",
  ], { cwd: ROOT, stdout: "pipe", stderr: "pipe" });
  const [out, err, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  if (code !== 0) throw new Error(`bun build for ${arch} failed (exit ${code}):\n${out}${err}`);
  return outfile;
}

if (import.meta.main) {
  const args = process.argv.slice(2);
  const i = args.indexOf("--outdir");
  const outdir = resolve(i >= 0 ? args[i + 1]! : join(ROOT, "dist"));
  const arches = args.filter((a, j) => a !== "--outdir" && args[j - 1] !== "--outdir") as Arch[];
  for (const arch of arches.length ? arches : (Object.keys(TARGETS) as Arch[])) {
    if (!(arch in TARGETS)) throw new Error(`unknown target ${arch}; use x64 or arm64`);
    const t0 = performance.now();
    const path = await buildBinary(arch, outdir);
    console.log(`built ${path} in ${Math.round(performance.now() - t0)} ms`);
  }
}
