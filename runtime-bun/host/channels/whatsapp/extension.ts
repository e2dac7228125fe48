/**
 * WhatsApp's optional install: Baileys and the QR encoder are not clawgate dependencies (about 30 MB); they live in a
 * private folder under the state dir, `<stateDir>/extensions/whatsapp/` (a package.json clawgate writes, exact
 * versions, 0700), installed by `clawgate channels add|login --channel whatsapp` with npm when it is on PATH, else by
 * the running Bun itself (`BUN_BE_BUN=1 <bun or clawgate binary> install`), and imported from there only when a
 * WhatsApp account needs them. Peer dependencies (sharp, jimp, link-preview-js, audio-decode: media only) are left out.
 */
import { execFile, spawn } from "node:child_process";
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { delimiter, join } from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { ensurePrivateDir } from "../../state.ts";

/** The versions installed, pinned: upstream's Baileys (openclaw 2026.9.6's @openclaw/whatsapp) and a QR encoder. */
export const WHATSAPP_PACKAGES = { baileys: "7.0.0-rc14", qrcode: "1.5.4" } as const;
type PackageName = keyof typeof WHATSAPP_PACKAGES;

/** The command that installs WhatsApp support, for messages. */
export const INSTALL_COMMAND = "clawgate channels add --channel whatsapp";

/** WhatsApp support is not installed (or not the pinned version) in the state dir. */
export class WhatsAppNotInstalled extends Error {
  constructor(dir: string) {
    super(`WhatsApp support (Baileys ${WHATSAPP_PACKAGES.baileys}) is not installed in ${dir}; run ${INSTALL_COMMAND}`);
    this.name = "WhatsAppNotInstalled";
  }
}

export function extensionDir(stateDir: string): string {
  return join(stateDir, "extensions", "whatsapp");
}

function packageJsonPath(dir: string, name: string): string {
  return join(dir, "node_modules", name, "package.json");
}

/** Whether every pinned package is installed at its pinned version. */
export function installed(dir: string): boolean {
  return Object.entries(WHATSAPP_PACKAGES).every(([name, version]) => {
    try {
      return (JSON.parse(readFileSync(packageJsonPath(dir, name), "utf8")) as { version?: string }).version === version;
    } catch {
      return false;
    }
  });
}

/** The file a package's ESM import resolves to (its `exports["."]` import/default entry, else `main`). */
function entryFile(dir: string, name: string): string {
  const pkg = JSON.parse(readFileSync(packageJsonPath(dir, name), "utf8")) as { main?: string; exports?: unknown };
  const dot = (pkg.exports && typeof pkg.exports === "object" && "." in pkg.exports ? (pkg.exports as Record<string, unknown>)["."] : pkg.exports) as unknown;
  const pick = (e: unknown): string | undefined => (typeof e === "string" ? e : e && typeof e === "object" ? pick((e as Record<string, unknown>).import ?? (e as Record<string, unknown>).default) : undefined);
  return join(dir, "node_modules", name, pick(dot) ?? pkg.main ?? "index.js");
}

/** Imports `name` from the extension folder; throws WhatsAppNotInstalled when it is missing. */
export async function importFromExtension<T>(dir: string, name: PackageName): Promise<T> {
  if (!existsSync(packageJsonPath(dir, name))) throw new WhatsAppNotInstalled(dir);
  if (!COMPILED) return (await import(pathToFileURL(entryFile(dir, name)).href)) as T;
  const m = (await import(pathToFileURL(await bundled(dir, name)).href)) as Record<string, unknown>;
  // A CommonJS package (qrcode) bundles to a default export only.
  return (Object.keys(m).length === 1 && "default" in m ? m.default : m) as T;
}

/** Running inside a compiled clawgate binary, whose own modules live in Bun's `/$bunfs/`. */
const COMPILED = import.meta.url.includes("$bunfs");

/**
 * A compiled binary (Bun 1.4.4) cannot resolve a bare import made by a file on disk (`Cannot find package
 * '@hapi/boom'`), so it imports a one-file bundle of the package instead, made once with its own bundler
 * (`BUN_BE_BUN=1 <binary> build`) and kept beside node_modules under the pinned version's name.
 */
async function bundled(dir: string, name: PackageName): Promise<string> {
  const out = join(dir, `${name}-${WHATSAPP_PACKAGES[name]}.bundle.js`);
  if (existsSync(out)) return out;
  const tmp = `${out}.${process.pid}.tmp`;
  await promisify(execFile)(process.execPath, ["build", entryFile(dir, name), "--target", "bun", "--outfile", tmp], { env: { ...process.env, BUN_BE_BUN: "1" } });
  renameSync(tmp, out);
  return out;
}

/** `npm` on PATH, if any. */
function findNpm(env: NodeJS.ProcessEnv): string | undefined {
  for (const dir of (env.PATH ?? "").split(delimiter)) {
    if (dir && existsSync(join(dir, "npm"))) return join(dir, "npm");
  }
  return undefined;
}

/** How the packages are installed: npm, or the Bun running clawgate (a compiled clawgate binary is a Bun). */
export function installCommand(env: NodeJS.ProcessEnv = process.env): { argv: string[]; env: NodeJS.ProcessEnv; tool: string } {
  const npm = findNpm(env);
  if (npm) return { argv: [npm, "install", "--no-audit", "--no-fund", "--legacy-peer-deps", "--loglevel", "error"], env, tool: "npm" };
  if (process.versions.bun) return { argv: [process.execPath, "install", "--omit", "peer", "--no-save"], env: { ...env, BUN_BE_BUN: "1" }, tool: "bun" };
  throw new Error("Installing WhatsApp support needs npm on PATH (Node) or a Bun runtime; install npm, or run clawgate on Bun");
}

/**
 * Installs the pinned packages into the extension folder (nothing when they are there). `progress` gets one line
 * per step; the package manager's own output streams to `output` (the CLI's stderr). Rejects with the tool's exit
 * status and its last lines when it fails (offline, registry refused).
 */
export async function installWhatsApp(stateDir: string, progress: (line: string) => void, output: NodeJS.WritableStream = process.stderr, env: NodeJS.ProcessEnv = process.env): Promise<{ dir: string; changed: boolean }> {
  const dir = extensionDir(stateDir);
  if (installed(dir)) return { dir, changed: false };
  ensurePrivateDir(dir);
  writeFileSync(join(dir, "package.json"), `${JSON.stringify({ name: "clawgate-whatsapp-extension", private: true, type: "module", dependencies: WHATSAPP_PACKAGES }, null, 2)}\n`, { mode: 0o600 });
  const command = installCommand(env);
  progress(`Installing WhatsApp support (baileys ${WHATSAPP_PACKAGES.baileys}, qrcode ${WHATSAPP_PACKAGES.qrcode}) with ${command.tool} into ${dir} …`);
  const tail: string[] = [];
  const code = await new Promise<number>((resolve, reject) => {
    const child = spawn(command.argv[0]!, command.argv.slice(1), { cwd: dir, env: command.env, stdio: ["ignore", "pipe", "pipe"] });
    const forward = (chunk: Buffer) => {
      output.write(chunk);
      tail.push(...chunk.toString("utf8").split("\n").filter(Boolean));
      tail.splice(0, Math.max(0, tail.length - 20));
    };
    child.stdout.on("data", forward);
    child.stderr.on("data", forward);
    child.on("error", reject);
    child.on("close", (status) => resolve(status ?? 1));
  });
  if (code !== 0 || !installed(dir)) {
    throw new Error(`Installing WhatsApp support failed (${command.tool} exited with ${code}${code === 0 ? " but the packages are missing" : ""}). Check the network or registry access and run ${INSTALL_COMMAND} again.${tail.length ? `\n${tail.slice(-5).join("\n")}` : ""}`);
  }
  progress("WhatsApp support installed.");
  return { dir, changed: true };
}
