/**
 * Polls an HTTP request until it answers a status: how a test sees a config
 * reload land in a child gateway (the file watcher's timing is the child's).
 */

/** Resolves once `request()` answers `status`; throws with the last status after `ms`. */
export async function waitForStatus(request: () => Promise<Response>, status: number, ms = 20_000): Promise<void> {
  let last = 0;
  const deadline = Date.now() + ms;
  while ((last = (await request()).status) !== status) {
    if (Date.now() > deadline) throw new Error(`still ${last}, never ${status}`);
    await Bun.sleep(50);
  }
}
