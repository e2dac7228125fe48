/**
 * The listener lifecycle in memory: every address on one port (§1.1), a
 * missing secondary address skipped or fatal, and the stop order.
 */
import { describe, expect, test } from "bun:test";
import { listenEvery, stopGateway, type BoundListener } from "../../../core/net/listeners.ts";

/** A bind that records each call, gives port 4100 for 0, and fails for the addresses in `missing`. */
function fakeBind(missing: string[] = []) {
  const calls: string[] = [];
  const stopped: string[] = [];
  const bind = async (hostname: string, port: number): Promise<BoundListener> => {
    calls.push(`${hostname}:${port}`);
    if (missing.includes(hostname)) throw new Error(`EADDRNOTAVAIL ${hostname}`);
    return { port: port || 4100, stop: () => void stopped.push(hostname) };
  };
  return { bind, calls, stopped };
}

describe("listenEvery", () => {
  test("port 0 -> the first address picks, the rest bind the same port", async () => {
    const { bind, calls } = fakeBind();
    const l = await listenEvery(["127.0.0.1", "::1"], 0, bind);
    expect(calls).toEqual(["127.0.0.1:0", "::1:4100"]);
    expect([l.port, l.hostnames, l.listeners.length]).toEqual([4100, ["127.0.0.1", "::1"], 2]);
  });

  test("secondary address missing with skip -> reported and left out, the first still serves", async () => {
    const { bind, stopped } = fakeBind(["::1"]);
    const skipped: string[] = [];
    const l = await listenEvery(["127.0.0.1", "::1"], 18789, bind, (h, e) => void skipped.push(`${h} ${String(e)}`));
    expect(skipped).toEqual(["::1 Error: EADDRNOTAVAIL ::1"]);
    expect([l.port, l.hostnames, stopped]).toEqual([18789, ["127.0.0.1"], []]);
  });

  test("secondary address missing without skip -> what was bound is stopped and the error thrown", async () => {
    const { bind, stopped } = fakeBind(["::1"]);
    await expect(listenEvery(["127.0.0.1", "::1"], 18790, bind)).rejects.toThrow("EADDRNOTAVAIL ::1");
    expect(stopped).toEqual(["127.0.0.1"]);
  });

  test("first address taken -> thrown even with skip", async () => {
    const { bind, calls } = fakeBind(["127.0.0.1"]);
    await expect(listenEvery(["127.0.0.1", "::1"], 18789, bind, () => undefined)).rejects.toThrow("EADDRNOTAVAIL 127.0.0.1");
    expect(calls).toEqual(["127.0.0.1:18789"]);
  });

  test("no address -> thrown", async () => {
    await expect(listenEvery([], 0, fakeBind().bind)).rejects.toThrow("no listen address");
  });
});

describe("stopGateway", () => {
  test("shutdown with the restart hint first, then the listeners are released", async () => {
    const order: string[] = [];
    await stopGateway({ shutdown: (ms) => void order.push(`shutdown ${ms}`) }, 5000, async () => void order.push("release"));
    expect(order).toEqual(["shutdown 5000", "release"]);
  });

  test("release is not called before the close frames had their turn", async () => {
    const order: string[] = [];
    const stopping = stopGateway({ shutdown: () => void order.push("shutdown") }, undefined, () => void order.push("release"));
    // Frames written in shutdown's turn go out before the listeners close.
    await Promise.resolve();
    expect(order).toEqual(["shutdown"]);
    await stopping;
    expect(order).toEqual(["shutdown", "release"]);
  });
});
