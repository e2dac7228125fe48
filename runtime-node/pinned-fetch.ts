/**
 * The Node shim's PinnedFetch (core/runtime.ts), as upstream pins: undici's
 * fetch through an Agent whose `connect.lookup` answers the request's host
 * with the approved addresses and nothing else, so the name is never resolved
 * again while the URL, the Host header, SNI and certificate check stay the
 * real name's. Node's own connect tries the addresses in order.
 */
import type { LookupFunction } from "node:net";
import { Agent, fetch } from "undici";
import type { PinnedFetch } from "../core/runtime.ts";

function pinnedLookup(hostname: string, addresses: readonly string[]): LookupFunction {
  const records = addresses.map((address) => ({ address, family: address.includes(":") ? 6 : 4 }));
  return (host, options, callback) => {
    if (host !== hostname || records.length === 0) {
      callback(Object.assign(new Error(`${host} has no approved address`), { code: "ENOTFOUND" }), "", 0);
      return;
    }
    if (options.all) callback(null, records);
    else callback(null, records[0]!.address, records[0]!.family);
  };
}

export const nodePinnedFetch: PinnedFetch = async (url, addresses, init) => {
  const agent = new Agent({ connect: { lookup: pinnedLookup(url.hostname, addresses) } });
  try {
    // undici's Response is the WHATWG one Node's global fetch returns.
    return (await fetch(url, { ...(init as Parameters<typeof fetch>[1]), dispatcher: agent })) as unknown as Response;
  } finally {
    // Closes once the response body has been read or cancelled.
    void agent.close();
  }
};
