/**
 * Listener lifecycle both transport shims share: bind every listen address on
 * one port, and stop in the order clients can see. The shim supplies only
 * its runtime's bind and close. Runtime-agnostic.
 */

/** One bound listener as the shim reports it. */
export interface BoundListener {
  /** The port the OS gave it (the asked-for one unless that was 0). */
  port: number;
  stop(): void;
}

/** Every listener that came up, on their shared port, with the addresses they serve. */
export interface Listening<L extends BoundListener> {
  listeners: L[];
  port: number;
  hostnames: string[];
}

/**
 * Binds `hostnames` in order: the first on `port` (0 = the OS picks), the rest
 * on the port the first got, so every address serves the same port (§1.1).
 * A later address that fails is passed to `skip` and left out when `skip` is
 * given (::1 is missing on hosts without IPv6); without it, what was bound is
 * stopped and the error thrown. The first address failing always throws.
 */
export async function listenEvery<L extends BoundListener>(
  hostnames: readonly string[],
  port: number,
  bind: (hostname: string, port: number) => L | Promise<L>,
  skip?: (hostname: string, error: unknown) => void,
): Promise<Listening<L>> {
  const [first, ...rest] = hostnames;
  if (first === undefined) throw new Error("no listen address");
  const head = await bind(first, port);
  const listening: Listening<L> = { listeners: [head], port: head.port, hostnames: [first] };
  for (const hostname of rest) {
    try {
      listening.listeners.push(await bind(hostname, head.port));
      listening.hostnames.push(hostname);
    } catch (error) {
      if (!skip) {
        for (const l of listening.listeners) l.stop();
        throw error;
      }
      skip(hostname, error);
    }
  }
  return listening;
}

/** How long close frames get to leave before the listeners and sockets go. */
export const CLOSE_FLUSH_MS = 20;

/**
 * The stop sequence: the gateway sends `shutdown` and closes every client
 * 1012 (§7), the close frames get CLOSE_FLUSH_MS to flush, then `release`
 * stops the listeners and whatever sockets are left.
 */
export async function stopGateway(
  gateway: { shutdown(restartExpectedMs?: number): void },
  restartExpectedMs: number | undefined,
  release: () => void | Promise<void>,
): Promise<void> {
  gateway.shutdown(restartExpectedMs);
  await new Promise((resolve) => setTimeout(resolve, CLOSE_FLUSH_MS));
  await release();
}
