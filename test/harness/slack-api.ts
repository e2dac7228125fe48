/**
 * A local Slack speaking the real wire protocols over real sockets (port 0, served by `serve`: ./serve-bun.ts on
 * Bun, Deno.serve in test/deno), so the official
 * `@slack/web-api` and `@slack/socket-mode` clients talk to it with only `slackApiUrl` changed:
 * - Web API under `/api/`: `apps.connections.open` (app token) hands out this server's Socket Mode URL;
 *   `auth.test`, `chat.postMessage` (recorded), `conversations.open`, `conversations.members` (of the channels in
 *   `members`, `channel_not_found` for others; each lookup recorded) (bot token); form or JSON bodies, Bearer auth,
 *   Slack's `{ok:false, error:"invalid_auth"}` for a wrong token (HTTP 200, as Slack answers).
 * - Socket Mode: `hello` on connect, then `events_api` envelopes, each expected to be acknowledged by
 *   `envelope_id`; `redeliver()` resends an unacknowledged one with Slack's `retry_attempt`/`retry_reason`.
 * `drop()` cuts the socket without a close frame. Signed HTTP Events API requests: ./slack-signing.ts.
 */
import { FakeSockets } from "./fake-sockets.ts";
import { HeldRequests } from "./held-requests.ts";
import type { ServeLocal } from "./serve-local.ts";
import { Signal } from "./signal.ts";

/** A `chat.postMessage` call. */
export interface SlackPost {
  ts: string;
  channel: string;
  text: string;
  threadTs?: string;
}

export interface SlackMessageEvent {
  channel: string;
  user: string;
  text: string;
  /** `im` for a DM, `channel`/`group` for channels, `mpim` for a group DM. */
  channelType: "im" | "channel" | "group" | "mpim";
  threadTs?: string;
  ts?: string;
  /** `message` (default) or `app_mention`. */
  type?: "message" | "app_mention";
  /** Posted by an app's bot user: Slack adds the app's `bot_id` (and its `bot_profile`). */
  botId?: string;
}

export interface SlackFakeOptions {
  botToken?: string;
  appToken?: string;
  botUserId?: string;
  teamId?: string;
}

export interface SlackFake {
  /** `slackApiUrl` for the official clients (`http://127.0.0.1:<port>/api/`). */
  apiUrl: string;
  botToken: string;
  appToken: string;
  botUserId: string;
  teamId: string;
  posts: SlackPost[];
  /** When the last post was recorded (ms), for waiting until the gateway has recorded it as sent. */
  lastPostAt: number;
  /** Web API method names called, in order. */
  calls: string[];
  /** Envelope ids acknowledged over Socket Mode. */
  acked: string[];
  /** Who is in each channel, as `conversations.members` answers. */
  members: Record<string, string[]>;
  /** The channels `conversations.members` was asked about, in order. */
  memberLookups: string[];
  /** `apps.connections.open` calls answered with a URL. */
  opens: number;
  /** Calls refused for a wrong token. */
  unauthorized: number;
  connections(): number;
  /**
   * While on, chat.postMessage calls wait (in flight) until `hold(false)`; a held call whose client went away
   * meanwhile is dropped unrecorded, as Slack never saw it complete.
   */
  hold(on: boolean): void;
  /** Posts waiting now. */
  held(): number;
  /** Sends an `events_api` envelope carrying a message event; returns its envelope id. */
  message(ev: SlackMessageEvent): string;
  /** Resends an envelope not yet acknowledged, as Slack retries one. */
  redeliver(envelopeId: string): void;
  /** Cuts every Socket Mode socket without a close frame. */
  drop(): void;
  /** The Events API body for a message event (what Slack POSTs in HTTP mode). */
  eventBody(ev: SlackMessageEvent): string;
  until(cond: () => boolean, ms?: number): Promise<void>;
  stop(): void;
}

export function startSlack(serve: ServeLocal, options: SlackFakeOptions = {}): SlackFake {
  const botToken = options.botToken ?? "xoxb-test-bot";
  const appToken = options.appToken ?? "xapp-test-app";
  const botUserId = options.botUserId ?? "UBOT0001";
  const teamId = options.teamId ?? "T0000001";
  const signal = new Signal();
  const sockets = new FakeSockets(signal);
  const envelopes = new Map<string, { payload: unknown; attempt: number }>();
  let tsCounter = 1_700_000_000;
  const holds = new HeldRequests(signal);
  const nextTs = () => `${++tsCounter}.000100`;

  const eventPayload = (ev: SlackMessageEvent) => {
    const ts = ev.ts ?? nextTs();
    return {
      token: "verification-token-unused",
      team_id: teamId,
      api_app_id: "A0000001",
      type: "event_callback",
      event_id: `Ev${ts.replace(".", "")}`,
      event_time: Math.floor(Date.now() / 1000),
      authorizations: [{ team_id: teamId, user_id: botUserId, is_bot: true }],
      event: {
        type: ev.type ?? "message",
        channel: ev.channel,
        user: ev.user,
        text: ev.text,
        ts,
        event_ts: ts,
        channel_type: ev.channelType,
        ...(ev.threadTs ? { thread_ts: ev.threadTs } : {}),
        ...(ev.botId ? { bot_id: ev.botId, bot_profile: { id: ev.botId, name: ev.user, app_id: `A${ev.botId}`, team_id: teamId } } : {}),
      },
    };
  };

  const bodyOf = async (req: Request): Promise<Record<string, unknown>> => {
    const text = await req.text();
    if ((req.headers.get("content-type") ?? "").includes("application/json")) return text ? JSON.parse(text) : {};
    return Object.fromEntries(new URLSearchParams(text));
  };

  const refuse = () => {
    fake.unauthorized++;
    signal.wake();
    return Response.json({ ok: false, error: "invalid_auth" });
  };

  const api = async (req: Request, method: string, srvPort: number): Promise<Response> => {
    fake.calls.push(method);
    const auth = req.headers.get("authorization");
    const body = await bodyOf(req);
    signal.wake();
    if (method === "apps.connections.open") {
      if (auth !== `Bearer ${appToken}`) return refuse();
      fake.opens++;
      return Response.json({ ok: true, url: `ws://127.0.0.1:${srvPort}/link/?ticket=${crypto.randomUUID()}` });
    }
    if (auth !== `Bearer ${botToken}`) return refuse();
    switch (method) {
      case "auth.test":
        return Response.json({ ok: true, url: "https://clawgate-test.slack.com/", team: "clawgate-test", user: "clawbot", team_id: teamId, user_id: botUserId, bot_id: "B0000001", is_enterprise_install: false });
      case "chat.postMessage": {
        if (await holds.abandoned(req)) return new Response(null, { status: 499 });
        const text = String(body.text ?? "");
        if (!body.channel) return Response.json({ ok: false, error: "channel_not_found" });
        // Slack refuses a message over 40,000 characters.
        if (text.length > 40_000) return Response.json({ ok: false, error: "msg_too_long" });
        const ts = nextTs();
        const post: SlackPost = { ts, channel: String(body.channel), text };
        if (body.thread_ts) post.threadTs = String(body.thread_ts);
        fake.posts.push(post);
        fake.lastPostAt = Date.now();
        signal.wake();
        return Response.json({ ok: true, channel: post.channel, ts, message: { type: "message", text, user: botUserId, ts, ...(post.threadTs ? { thread_ts: post.threadTs } : {}) } });
      }
      case "conversations.open":
        return Response.json({ ok: true, channel: { id: `D${String(body.users ?? "").replace(/^U/, "")}` } });
      case "conversations.members": {
        const channel = String(body.channel ?? "");
        fake.memberLookups.push(channel);
        signal.wake();
        const members = fake.members[channel];
        return members ? Response.json({ ok: true, members, response_metadata: { next_cursor: "" } }) : Response.json({ ok: false, error: "channel_not_found" });
      }
      default:
        return Response.json({ ok: false, error: "unknown_method" });
    }
  };

  const server = serve(
    (req, upgrade) => {
      const url = new URL(req.url);
      if (url.pathname === "/link/") return upgrade() ?? new Response("upgrade required", { status: 426 });
      if (req.method === "POST" && url.pathname.startsWith("/api/")) return api(req, url.pathname.slice("/api/".length), server.port);
      return new Response("not found", { status: 404 });
    },
    sockets.serve({
      open(ws) {
        ws.send(JSON.stringify({ type: "hello", num_connections: sockets.count(), debug_info: { host: "applink-test", build_number: 1, approximate_connection_time: 18060 }, connection_info: { app_id: "A0000001" } }));
      },
      message(_ws, raw) {
        const frame = JSON.parse(raw) as { envelope_id?: string };
        if (frame.envelope_id && envelopes.delete(frame.envelope_id)) fake.acked.push(frame.envelope_id);
      },
    }),
  );

  const sendEnvelope = (envelopeId: string): void => {
    const entry = envelopes.get(envelopeId);
    if (!entry) throw new Error(`envelope ${envelopeId} is not pending`);
    const ws = sockets.first();
    if (!ws) throw new Error("no Socket Mode connection");
    ws.send(
      JSON.stringify({
        envelope_id: envelopeId,
        payload: entry.payload,
        type: "events_api",
        accepts_response_payload: false,
        retry_attempt: entry.attempt,
        retry_reason: entry.attempt === 0 ? "" : "timeout",
      }),
    );
  };

  const fake: SlackFake = {
    apiUrl: `http://127.0.0.1:${server.port}/api/`,
    botToken,
    appToken,
    botUserId,
    teamId,
    posts: [],
    lastPostAt: 0,
    calls: [],
    acked: [],
    members: {},
    memberLookups: [],
    opens: 0,
    unauthorized: 0,
    connections: () => sockets.count(),
    hold: (on) => holds.hold(on),
    held: () => holds.held(),
    message(ev) {
      const envelopeId = crypto.randomUUID();
      envelopes.set(envelopeId, { payload: eventPayload(ev), attempt: 0 });
      sendEnvelope(envelopeId);
      return envelopeId;
    },
    redeliver(envelopeId) {
      const entry = envelopes.get(envelopeId);
      if (!entry) throw new Error(`envelope ${envelopeId} was acknowledged`);
      entry.attempt++;
      sendEnvelope(envelopeId);
    },
    drop: () => sockets.drop(),
    eventBody: (ev) => JSON.stringify(eventPayload(ev)),
    until: (cond, ms) => signal.until(cond, ms),
    stop() {
      server.stop();
    },
  };
  return fake;
}
