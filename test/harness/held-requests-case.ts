/**
 * The hold sequence a fake's own test drives through its real HTTP API (./held-requests.ts): a held call whose
 * client goes away, then a held call released.
 */

/** What a fake that holds calls offers its tests. */
export interface HoldingFake {
  hold(on: boolean): void;
  held(): number;
  until(cond: () => boolean, ms?: number): Promise<void>;
}

/** Holds, abandons a call (`lost`), then holds another (`kept`) and releases it; returns `kept`'s response. */
export async function abandonThenRelease(fake: HoldingFake, post: (text: string, signal?: AbortSignal) => Promise<Response>): Promise<Response> {
  fake.hold(true);
  const abandoned = new AbortController();
  const lost = post("lost", abandoned.signal).catch(() => undefined);
  await fake.until(() => fake.held() === 1);
  abandoned.abort();
  await lost;
  await fake.until(() => fake.held() === 0);
  const kept = post("kept");
  await fake.until(() => fake.held() === 1);
  fake.hold(false);
  return kept;
}
