/**
 * Drives the real `@openclaw/gateway-client` in tests: start, wait for
 * hello-ok or the refusal, collect events and closes.
 */
import { GatewayClient, type GatewayClientOptions } from "@openclaw/gateway-client";

export interface ConnectedClient {
  client: GatewayClient;
  hello: any;
  events: any[];
  closes: { code: number; reason: string }[];
}

/** A refused connect: the close the client saw and the error it parsed from the `res`. */
export interface ConnectRefusal {
  code: number;
  reason: string;
  error?: any;
}

/** Resolves once hello-ok arrived; rejects with a ConnectRefusal when the gateway closes first. */
export function connectClient(opts: GatewayClientOptions): Promise<ConnectedClient> {
  const events: any[] = [];
  const closes: { code: number; reason: string }[] = [];
  let connectError: unknown;
  let helloSeen = false;
  return new Promise((resolve, reject) => {
    const client = new GatewayClient({
      ...opts,
      onHelloOk: (hello) => {
        helloSeen = true;
        opts.onHelloOk?.(hello);
        resolve({ client, hello, events, closes });
      },
      onConnectError: (error) => {
        connectError = error;
      },
      onEvent: (e) => {
        events.push(e);
        opts.onEvent?.(e);
      },
      onClose: (code, reason, info) => {
        closes.push({ code, reason });
        if (!helloSeen) {
          client.stop();
          reject({ code, reason, error: info?.connectError ?? connectError } satisfies ConnectRefusal);
        }
      },
    });
    client.start();
  });
}

/** Polls `cond` until it holds; fails after `ms`. */
export async function waitFor(cond: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await Bun.sleep(10);
  }
}
