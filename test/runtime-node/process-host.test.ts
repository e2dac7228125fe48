/** The Node shim's ProcessHost (runtime-node/process-host.ts) through the shared cases, in a Node child. */
import { join } from "node:path";
import { processHostCases } from "../harness/process-host-cases.ts";
import { testNode } from "../harness/node-runtime.ts";

const DRIVER = join(import.meta.dir, "../harness/process-host-node-driver.ts");

processHostCases("Node", async (spec, abortWhen) => {
  const child = Bun.spawn([testNode(), DRIVER, JSON.stringify(spec)], { stdin: "pipe", stdout: "pipe", stderr: "inherit" });
  void abortWhen?.then(() => child.stdin.write("abort\n"));
  const [text, code] = await Promise.all([new Response(child.stdout).text(), child.exited]);
  child.stdin.end();
  if (code !== 0) throw new Error(`node driver exited ${code}`);
  return JSON.parse(text);
});
