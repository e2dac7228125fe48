/**
 * The Bun shim's PinnedFetch (core/runtime.ts). Bun's fetch has no resolver
 * hook, so the request goes to the approved address as an IP literal and names
 * the host itself: in the Host header and, for https, as the TLS server name,
 * which Bun sends as SNI and verifies the certificate against (the chain and
 * the name are both checked; nothing is turned off).
 */
import type { PinnedFetch } from "../core/runtime.ts";

export const bunPinnedFetch: PinnedFetch = async (url, addresses, init) => {
  const headers = new Headers(init.headers);
  headers.set("Host", url.host);
  const tls = url.protocol === "https:" ? { tls: { serverName: url.hostname } } : {};
  let failure: unknown = new Error(`no address to connect to for ${url.hostname}`);
  for (const address of addresses) {
    const target = new URL(url);
    target.hostname = address.includes(":") ? `[${address}]` : address;
    try {
      return await fetch(target, { ...init, headers, ...tls });
    } catch (error) {
      if (init.signal?.aborted) throw error;
      failure = error;
    }
  }
  throw failure;
};
