import { expect, test } from "bun:test";
import { slackSignatureProblem } from "../../../../core/channels/slack/signature.ts";
import { slackSignature } from "../../../harness/slack-signing.ts";

// The worked example in Slack's "Verifying requests from Slack" guide.
const SECRET = "8f742231b10e8888abcd99yyyzzz85a5";
const TS = "1531420618";
const BODY =
  "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";
const SIG = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503";
const NOW = 1531420618 + 10;

test("Slack's documented example verifies", async () => {
  expect(await slackSignatureProblem(SECRET, TS, SIG, BODY, NOW)).toBeUndefined();
});

test("a wrong secret, a changed body, a stale or missing timestamp, a malformed signature -> each refused with its reason", async () => {
  expect(await slackSignatureProblem("other", TS, SIG, BODY, NOW)).toBe("signature mismatch");
  expect(await slackSignatureProblem(SECRET, TS, SIG, BODY + "x", NOW)).toBe("signature mismatch");
  expect(await slackSignatureProblem(SECRET, TS, SIG, BODY, NOW + 600)).toBe("stale X-Slack-Request-Timestamp");
  expect(await slackSignatureProblem(SECRET, null, SIG, BODY, NOW)).toBe("missing X-Slack-Signature or X-Slack-Request-Timestamp");
  expect(await slackSignatureProblem(SECRET, "soon", SIG, BODY, NOW)).toBe("malformed X-Slack-Request-Timestamp");
  expect(await slackSignatureProblem(SECRET, TS, "v1=abc", BODY, NOW)).toBe("malformed X-Slack-Signature");
});

test("a signature made the way the local Slack signs verifies (control for the HTTP tests)", async () => {
  const now = 1_700_000_000;
  expect(await slackSignatureProblem("s", String(now), slackSignature("s", now, "{}"), "{}", now)).toBeUndefined();
});
