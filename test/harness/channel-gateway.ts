/**
 * A gateway child process on a state dir of its own, as the channel end-to-end tests drive it: its config file, an
 * operator connection, kill -9 (with a reply in flight), and removal. Home and state dir are one folder, so a
 * restarted child finds the killed one's files.
 */
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { HoldingFake } from "./held-requests-case.ts";
import { spawnGatewayOn, type ChildGateway } from "./process.ts";
import { connected, connectParams, type RawSocket } from "./raw-socket.ts";

/** Writes `stateDir`'s openclaw.json (0600): local mode with token auth (plus `gateway`'s other keys), and `rest`. */
export function writeGatewayConfig(stateDir: string, token: string, rest: Record<string, unknown>, gateway: Record<string, unknown> = {}): void {
  const config = { gateway: { mode: "local", ...gateway, auth: { mode: "token", token } }, ...rest };
  writeFileSync(join(stateDir, "openclaw.json"), JSON.stringify(config), { mode: 0o600 });
}

/** A gateway child and an operator connection to it. */
export interface AdminGateway {
  gw: ChildGateway;
  admin: RawSocket;
}

/** Starts a gateway child on `stateDir` (with `env` added) and connects to it with `token`; a failed connect kills the child. */
export async function startAdminGateway(stateDir: string, token: string, env: Record<string, string> = {}): Promise<AdminGateway> {
  const gw = await spawnGatewayOn(stateDir, env);
  try {
    return { gw, admin: (await connected(gw.url, connectParams({ auth: { token } }))).sock };
  } catch (error) {
    gw.proc.kill("SIGKILL");
    throw error;
  }
}

/** kill -9: closes the operator connection (if any), SIGKILLs the child and waits for its end; returns the signal it died of. */
export async function kill9(gw: ChildGateway, admin?: RawSocket): Promise<ChildGateway["proc"]["signalCode"]> {
  admin?.close();
  gw.proc.kill("SIGKILL");
  await gw.proc.exited;
  return gw.proc.signalCode;
}

/** After the tests: closes the connection, kills the child and removes the state dir (each part may be missing). */
export function removeGateway(stateDir: string, { gw, admin }: Partial<AdminGateway>): void {
  admin?.close();
  gw?.proc.kill("SIGKILL");
  rmSync(stateDir, { recursive: true, force: true });
}

/**
 * Waits until the gateway has recorded its last post as sent (`lastOutboundAt`, from channels.status, reaches the
 * fake's `lastPostAt`): a kill between the service accepting a post and the gateway recording it would (rightly, at
 * least once) send it again after the restart.
 */
export async function untilRecordedSent(lastOutboundAt: () => Promise<number>, lastPostAt: () => number): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!((await lastOutboundAt()) >= lastPostAt())) {
    if (Date.now() > deadline) throw new Error("the gateway never recorded its last post as sent");
    await Bun.sleep(10);
  }
}

/**
 * kill -9 with a reply in flight: holds the fake's sends, `inject`s the message whose reply it holds, `kill`s the
 * gateway once that reply waits at the fake (given what `inject` returned), and ends the hold only once the fake saw
 * the call die with the process (a reply the service never accepted).
 */
export async function killWithReplyInFlight<T>(fake: HoldingFake, inject: () => T, kill: (injected: T) => Promise<unknown>): Promise<void> {
  fake.hold(true);
  const injected = inject();
  await fake.until(() => fake.held() === 1);
  await kill(injected);
  await fake.until(() => fake.held() === 0);
  fake.hold(false);
}
