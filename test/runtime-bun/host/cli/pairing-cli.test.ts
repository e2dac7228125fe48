/**
 * `clawgate pairing list|approve|deny` as a child process against a real
 * gateway: sender codes a channel handed out, approved into `allowFrom` or
 * denied, with `openclaw pairing`'s arguments and wording.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { runCliIsolated as runCli } from "../../../harness/process.ts";
import { startTestGateway, TEST_TOKEN, type TestGateway } from "../../../harness/gateway.ts";

let gw: TestGateway;
let conn: string[];
const pairing = (...args: string[]) => runCli(["pairing", ...args, ...conn]);

beforeAll(async () => {
  gw = await startTestGateway();
  conn = ["--url", gw.url, "--token", TEST_TOKEN];
});
afterAll(() => gw.stop());

/** An unknown sender writes to a channel: the call a channel makes. */
function senderWritesIn(channel: string, senderId: string): string {
  const r = gw.running.gateway.senders.request({ channel, senderId, meta: { name: `Sender ${senderId}` } });
  if (r.status !== "pending") throw new Error(r.status);
  return r.code;
}

describe("pairing list", () => {
  test("nothing pending -> 'No pending <channel> pairing requests.'", async () => {
    expect(await pairing("list", "telegram")).toEqual({ code: 0, stdout: "No pending telegram pairing requests.\n", stderr: "" });
  });

  test("pending senders -> table with code, sender, meta; --json -> {channel, requests}", async () => {
    const code = senderWritesIn("whatsapp", "+15550001");
    const human = await pairing("list", "whatsapp");
    expect(human.code).toBe(0);
    expect(human.stdout).toStartWith("Pairing requests (1)\n┌");
    expect(human.stdout).toMatch(new RegExp(`│ ${code} │ \\+15550001 │ \\{"name":"Sender \\+15550001"\\} │ \\d{4}-\\d\\d-\\d\\dT`));
    const json = await pairing("list", "--channel", "whatsapp", "--json");
    const body = JSON.parse(json.stdout);
    expect(body.channel).toBe("whatsapp");
    expect(body.requests).toEqual([expect.objectContaining({ channel: "whatsapp", accountId: "default", senderId: "+15550001", code })]);
  });

  test("bad channel names and blank accounts are refused before any call", async () => {
    expect(await pairing("list", "Tele Gram")).toEqual({ code: 1, stdout: "", stderr: 'error Invalid channel "tele gram". Use lowercase letters, numbers, "_" or "-", for example "telegram".\n' });
    expect((await pairing("list", "telegram", "--account", " ")).stderr).toBe("error --account must not be blank\n");
    expect((await pairing("list", "telegram", "--channel", "signal")).stderr).toBe('error Conflicting pairing channels: "signal" and "telegram". Pass the channel either positionally or with --channel.\n');
  });
});

describe("pairing approve / deny", () => {
  test("approve <channel> <code> -> the sender is allowed", async () => {
    const code = senderWritesIn("telegram", "1001");
    expect(await pairing("approve", "telegram", code)).toEqual({ code: 0, stdout: "Approved telegram sender 1001.\n", stderr: "" });
    expect(gw.running.gateway.senders.isAllowed("telegram", "default", "1001")).toBe(true);
    expect(gw.running.gateway.senders.request({ channel: "telegram", senderId: "1001" })).toEqual({ status: "allowed" });
  });

  test("approve <code> alone finds the channel; --channel form and lower case work too", async () => {
    const a = senderWritesIn("signal", "2001");
    expect((await pairing("approve", a)).stdout).toBe("Approved signal sender 2001.\n");
    const b = senderWritesIn("signal", "2002");
    expect((await pairing("approve", "--channel", "signal", b.toLowerCase(), "--json")).stdout).toContain('"senderId": "2002"');
    expect(gw.running.gateway.senders.allowFrom("signal")).toEqual(["2001", "2002"]);
  });

  test("deny drops the request and allows nobody", async () => {
    const code = senderWritesIn("telegram", "3001");
    expect(await pairing("deny", "telegram", code)).toEqual({ code: 0, stdout: "Denied telegram sender 3001.\n", stderr: "" });
    expect(gw.running.gateway.senders.isAllowed("telegram", "default", "3001")).toBe(false);
    expect(gw.running.gateway.senders.list({ channel: "telegram" })).toEqual([]);
  });

  test("a wrong code -> upstream's message, exit 1", async () => {
    senderWritesIn("discord", "4001");
    expect(await pairing("approve", "discord", "WRONGCDE")).toEqual({
      code: 1,
      stdout: "",
      stderr: 'error No pending pairing request found for code "WRONGCDE". Run `clawgate pairing list --channel discord` to list pending requests.\n',
    });
  });

  test("--notify is passed on; no channel can deliver yet, which the CLI says", async () => {
    const code = senderWritesIn("telegram", "5001");
    expect((await pairing("approve", "telegram", code, "--notify")).stdout).toBe("Approved telegram sender 5001.\nFailed to notify requester: telegram is not running on this gateway.\n");
  });

  test("usage errors", async () => {
    expect((await pairing("approve")).stderr).toBe("error Usage: clawgate pairing approve <channel> <code> (or: clawgate pairing approve --channel <channel> <code>)\n");
    expect((await pairing("approve", "a", "b", "--channel", "c")).stderr).toBe("error Too many arguments. Use: clawgate pairing approve --channel <channel> <code>\n");
  });
});
