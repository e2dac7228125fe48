/**
 * Who is in a Slack channel, as upstream's owner-presence check reads it (`conversations.members`, every page of up
 * to 999): each channel's member ids (lowercased) are kept for a minute, or `OPENCLAW_SLACK_CHANNEL_MEMBERS_CACHE_TTL_MS`
 * (0 turns the cache off), at most 512 channels, and concurrent lookups of one channel share a request.
 * Runtime-agnostic.
 */

/** Upstream's DEFAULT_CHANNEL_MEMBERS_CACHE_TTL_MS. */
export const MEMBERS_CACHE_TTL_MS = 60_000;
/** Upstream's CHANNEL_MEMBERS_CACHE_MAX. */
const MEMBERS_CACHE_MAX = 512;

/** One `conversations.members` page. */
export interface MembersPage {
  members?: string[];
  response_metadata?: { next_cursor?: string };
}

/** The cache lifetime from `OPENCLAW_SLACK_CHANNEL_MEMBERS_CACHE_TTL_MS`: whole milliseconds, anything else -> the default (as upstream). */
export function membersCacheTtlMs(raw: string | undefined): number {
  const value = raw?.trim();
  return value && /^\d+$/.test(value) && Number.isSafeInteger(Number(value)) ? Number(value) : MEMBERS_CACHE_TTL_MS;
}

/** `members(channel)`: the channel's member ids, lowercased; rejects when Slack refuses the lookup. */
export function channelMembers(page: (channel: string, cursor: string | undefined) => Promise<MembersPage>, now: () => number, ttlMs: number): (channel: string) => Promise<Set<string>> {
  const cache = new Map<string, { expiresAt: number; members: Set<string> } | { pending: Promise<Set<string>> }>();
  const fetchAll = async (channel: string) => {
    const members = new Set<string>();
    let cursor: string | undefined;
    do {
      const answer = await page(channel, cursor);
      for (const id of answer.members ?? []) members.add(String(id).trim().toLowerCase());
      cursor = answer.response_metadata?.next_cursor?.trim() || undefined;
    } while (cursor);
    return members;
  };
  const remember = (channel: string, entry: { expiresAt: number; members: Set<string> } | { pending: Promise<Set<string>> }) => {
    cache.set(channel, entry);
    while (cache.size > MEMBERS_CACHE_MAX) cache.delete(cache.keys().next().value!);
  };
  return async (channel) => {
    const cached = cache.get(channel);
    if (cached && "pending" in cached) return cached.pending;
    if (cached && cached.expiresAt >= now()) return cached.members;
    cache.delete(channel);
    const pending = fetchAll(channel);
    remember(channel, { pending });
    try {
      const members = await pending;
      if (ttlMs > 0) remember(channel, { expiresAt: now() + ttlMs, members });
      else cache.delete(channel);
      return members;
    } catch (error) {
      cache.delete(channel);
      throw error;
    }
  };
}
