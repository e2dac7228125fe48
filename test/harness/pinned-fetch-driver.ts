/**
 * Runs under Bun or Node: requests (JSON in argv[4]: [{ url, addresses }])
 * one after another in one process through the PinnedFetch that module
 * argv[2] exports as argv[3], printing each outcome as JSON. One process, so
 * a kept-alive connection of one request is there for the next to misuse.
 */
import type { PinnedFetch } from "../../core/runtime.ts";

const [modulePath, exportName, requests] = process.argv.slice(2) as [string, string, string];
const pinnedFetch = (await import(modulePath))[exportName] as PinnedFetch;
const outcomes = [];
for (const { url, addresses } of JSON.parse(requests) as { url: string; addresses: string[] }[]) {
  try {
    const response = await pinnedFetch(new URL(url), addresses, { method: "GET", redirect: "manual", headers: { "User-Agent": "pinned-test" } });
    outcomes.push({ status: response.status, body: await response.text() });
  } catch (error) {
    const e = error as Error & { code?: string; cause?: Error & { code?: string } };
    outcomes.push({ error: [e.code, e.message, e.cause?.code, e.cause?.message].filter(Boolean).join(" | ") });
  }
}
process.stdout.write(JSON.stringify(outcomes));
process.exit(0);
