/**
 * Runs under Node: one ProcessSpec (JSON in argv[2]) through the Node shim's
 * ProcessHost, printing its outcome as JSON; a line "abort" on stdin aborts it.
 */
import { nodeProcessHost } from "../../runtime-node/process-host.ts";

const controller = new AbortController();
process.stdin.on("data", (d) => {
  if (String(d).includes("abort")) controller.abort();
});
const outcome = await nodeProcessHost.run({ ...JSON.parse(process.argv[2]!), signal: controller.signal });
process.stdout.write(JSON.stringify(outcome));
process.exit(0);
