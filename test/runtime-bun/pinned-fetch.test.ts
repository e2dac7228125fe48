/** The Bun shim's PinnedFetch (runtime-bun/pinned-fetch.ts) through the shared cases, in a Bun child. */
import { join } from "node:path";
import { DRIVER, pinnedFetchCases } from "../harness/pinned-fetch-cases.ts";

const MODULE = join(import.meta.dir, "../../runtime-bun/pinned-fetch.ts");

pinnedFetchCases("Bun", async (requests, env) => {
  const child = Bun.spawn([process.execPath, DRIVER, MODULE, "bunPinnedFetch", JSON.stringify(requests)], { env: { PATH: process.env.PATH!, ...env }, stdout: "pipe", stderr: "inherit" });
  const [text, code] = await Promise.all([new Response(child.stdout).text(), child.exited]);
  if (code !== 0) throw new Error(`bun driver exited ${code}`);
  return JSON.parse(text);
});
