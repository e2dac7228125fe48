import { expect, test } from "bun:test";
import { channelMembers, MEMBERS_CACHE_TTL_MS, membersCacheTtlMs, type MembersPage } from "../../../../core/channels/slack/channel-members.ts";

/** A workspace answering `conversations.members` two ids per page, recording each page asked for. */
function workspace(rooms: Record<string, string[]>) {
  const asked: string[] = [];
  const page = async (channel: string, cursor: string | undefined): Promise<MembersPage> => {
    asked.push(`${channel}@${cursor ?? 0}`);
    const all = rooms[channel];
    if (!all) throw new Error("channel_not_found");
    const from = Number(cursor ?? 0);
    const next = from + 2 < all.length ? String(from + 2) : "";
    return { members: all.slice(from, from + 2), response_metadata: { next_cursor: next } };
  };
  return { asked, page };
}

test("every page is read and ids come back lowercased; within the TTL the list is reused, after it read again", async () => {
  const rooms = { C1: ["U1", "UOWNER", "U3"] };
  const { asked, page } = workspace(rooms);
  let now = 1_000;
  const members = channelMembers(page, () => now, MEMBERS_CACHE_TTL_MS);
  expect(await members("C1")).toEqual(new Set(["u1", "uowner", "u3"]));
  expect(asked).toEqual(["C1@0", "C1@2"]);
  rooms.C1 = ["U1"];
  now += MEMBERS_CACHE_TTL_MS;
  expect(await members("C1")).toEqual(new Set(["u1", "uowner", "u3"]));
  now += 1;
  expect(await members("C1")).toEqual(new Set(["u1"]));
  expect(asked).toHaveLength(3);
});

test("concurrent lookups of one channel share a request; a failed lookup rejects and is not kept", async () => {
  const { asked, page } = workspace({ C1: ["U1"] });
  const members = channelMembers(page, () => 0, MEMBERS_CACHE_TTL_MS);
  const [a, b] = await Promise.all([members("C1"), members("C1")]);
  expect(a).toBe(b);
  expect(asked).toEqual(["C1@0"]);
  await expect(members("C9")).rejects.toThrow("channel_not_found");
  await expect(members("C9")).rejects.toThrow("channel_not_found");
  expect(asked).toEqual(["C1@0", "C9@0", "C9@0"]);
});

test("TTL 0 -> every lookup asks Slack; OPENCLAW_SLACK_CHANNEL_MEMBERS_CACHE_TTL_MS read as upstream (whole ms, else the default)", async () => {
  const { asked, page } = workspace({ C1: ["U1"] });
  const members = channelMembers(page, () => 0, 0);
  await members("C1");
  await members("C1");
  expect(asked).toEqual(["C1@0", "C1@0"]);
  expect([membersCacheTtlMs(undefined), membersCacheTtlMs("0"), membersCacheTtlMs(" 5000 "), membersCacheTtlMs("1e3"), membersCacheTtlMs("-1")]).toEqual([60_000, 0, 5_000, 60_000, 60_000]);
});
