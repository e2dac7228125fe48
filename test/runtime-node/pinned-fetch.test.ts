/** The Node shim's PinnedFetch (runtime-node/pinned-fetch.ts, undici) through the shared cases, in a Node child. */
import { join } from "node:path";
import { pinnedFetchCases } from "../harness/pinned-fetch-cases.ts";
import { testNode } from "../harness/node-runtime.ts";

pinnedFetchCases("Node", testNode, join(import.meta.dir, "../../runtime-node/pinned-fetch.ts"), "nodePinnedFetch");
