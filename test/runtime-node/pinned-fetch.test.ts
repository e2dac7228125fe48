/** The Node shim's PinnedFetch (runtime-node/pinned-fetch.ts, undici) through the shared cases, in a Node child. */
import { join } from "node:path";
import { DRIVER, pinnedFetchCases } from "../harness/pinned-fetch-cases.ts";
import { testNode } from "../harness/node-runtime.ts";

const MODULE = join(import.meta.dir, "../../runtime-node/pinned-fetch.ts");

pinnedFetchCases("Node", async (requests, env) => {
  const child = Bun.spawn([testNode(), DRIVER, MODULE, "nodePinnedFetch", JSON.stringify(requests)], { env: { PATH: process.env.PATH!, ...env }, stdout: "pipe", stderr: "inherit" });
  const [text, code] = await Promise.all([new Response(child.stdout).text(), child.exited]);
  if (code !== 0) throw new Error(`node driver exited ${code}`);
  return JSON.parse(text);
});
