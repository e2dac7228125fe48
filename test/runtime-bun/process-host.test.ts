/** The Bun shim's ProcessHost (runtime-bun/process-host.ts) through the shared cases. */
import { bunProcessHost } from "../../runtime-bun/process-host.ts";
import { processHostCases } from "../harness/process-host-cases.ts";

processHostCases("Bun", (spec, abortWhen) => {
  const controller = new AbortController();
  void abortWhen?.then(() => controller.abort());
  return bunProcessHost.run({ ...spec, signal: controller.signal });
});
