/** The Bun shim's PinnedFetch (runtime-bun/pinned-fetch.ts) through the shared cases, in a Bun child. */
import { join } from "node:path";
import { pinnedFetchCases } from "../harness/pinned-fetch-cases.ts";

pinnedFetchCases("Bun", () => process.execPath, join(import.meta.dir, "../../runtime-bun/pinned-fetch.ts"), "bunPinnedFetch");
