/**
 * The login QR for a terminal, from the PNG data URL the gateway answers with: the PNG is decoded with pngjs (the
 * QR encoder's own dependency, in the extension folder), its modules sampled (the finder pattern in the top-left
 * corner is 7 modules wide, which gives the module size), and two module rows printed per line with half blocks,
 * light modules as blocks, so a phone reads it on a dark terminal.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

type Png = { width: number; height: number; data: Uint8Array };
type PngModule = { PNG: { sync: { read(buffer: Uint8Array): Png } } };

/** Dark modules of the QR in `png`, row by row. */
export function qrModules(png: Png): boolean[][] {
  const dark = (x: number, y: number) => png.data[(y * png.width + x) * 4]! < 128;
  let x0 = -1;
  let y0 = 0;
  for (; y0 < png.height && x0 < 0; y0++) for (let x = 0; x < png.width; x++) if (dark(x, y0)) { x0 = x; break; }
  y0--;
  if (x0 < 0) throw new Error("the QR image has no dark module");
  let run = 0;
  while (x0 + run < png.width && dark(x0 + run, y0)) run++;
  const scale = run / 7;
  const size = Math.round((png.width - 2 * x0) / scale);
  return Array.from({ length: size }, (_, r) => Array.from({ length: size }, (_, c) => dark(Math.floor(x0 + (c + 0.5) * scale), Math.floor(y0 + (r + 0.5) * scale))));
}

/** Half-block lines for `modules`, with a two-module quiet zone. */
export function renderModules(modules: boolean[][]): string {
  const size = modules.length + 4;
  const light = (r: number, c: number) => !(modules[r - 2]?.[c - 2] ?? false);
  const lines: string[] = [];
  for (let r = 0; r < size; r += 2) {
    let line = "";
    for (let c = 0; c < size; c++) {
      const top = light(r, c);
      const bottom = r + 1 < size ? light(r + 1, c) : false;
      line += top && bottom ? "█" : top ? "▀" : bottom ? "▄" : " ";
    }
    lines.push(line);
  }
  return lines.join("\n");
}

/** The QR of `dataUrl` as terminal lines, decoded with the extension folder's pngjs. */
export async function terminalQr(extensionDir: string, dataUrl: string): Promise<string> {
  const pkgDir = join(extensionDir, "node_modules", "pngjs");
  const pkgJson = join(pkgDir, "package.json");
  if (!existsSync(pkgJson)) throw new Error(`pngjs is missing from ${extensionDir}; run clawgate channels add --channel whatsapp`);
  const main = (JSON.parse(readFileSync(pkgJson, "utf8")) as { main?: string }).main ?? "lib/png.js";
  const mod = (await import(pathToFileURL(join(pkgDir, main)).href)) as PngModule & { default?: PngModule };
  const png = (mod.PNG ? mod : mod.default!).PNG.sync.read(Buffer.from(dataUrl.slice(dataUrl.indexOf(",") + 1), "base64"));
  return renderModules(qrModules(png));
}
