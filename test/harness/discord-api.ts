/**
 * A local Discord speaking the real wire protocols over real sockets (port 0, served by `serve`: ./serve-bun.ts on
 * Bun, Deno.serve in test/deno), so the official
 * `@discordjs/rest` + `@discordjs/ws` clients talk to it unchanged:
 * - REST v10 under `/api/v10`: `GET /gateway/bot`, `GET /users/@me`, `POST /users/@me/channels` (open a DM),
 *   `GET /channels/:id` (a thread with its `parent_id`; recorded), `POST /channels/:id/messages` (recorded),
 *   `POST /channels/:id/typing` (recorded); `Authorization: Bot <token>`
 *   checked, a wrong token answered with Discord's 401 body, a channel it does not know with Unknown Channel.
 * - the Gateway (JSON encoding): HELLO -> IDENTIFY -> READY (or close 4004 for a wrong token), HEARTBEAT -> ACK,
 *   dispatches with a per-session `s`, RESUME replaying what the session missed then RESUMED, a stale session
 *   answered INVALID_SESSION.
 * `drop()` cuts the live socket without a close frame (what a network drop looks like); `message()` injects a
 * MESSAGE_CREATE, queued for the session while no socket is connected so a RESUME replays it.
 */
import type { FakeSocket, ServeLocal } from "./serve-local.ts";
import { FakeSockets } from "./fake-sockets.ts";
import { HeldRequests } from "./held-requests.ts";
import { Signal } from "./signal.ts";

export interface DiscordUser {
  id: string;
  username: string;
  bot?: boolean;
}

/** A message the bot posted (`POST /channels/:id/messages`). */
export interface PostedMessage {
  id: string;
  channelId: string;
  content: string;
  /** `message_reference.message_id`, when the post replies to a message. */
  replyTo?: string;
}

export interface InboundMessage {
  channelId: string;
  author: DiscordUser;
  content: string;
  guildId?: string;
  /** Users the message mentions (Discord fills `mentions` from `<@id>` in content; pass them explicitly here). */
  mentions?: DiscordUser[];
  id?: string;
}

export interface DiscordFakeOptions {
  /** The bot token the fake accepts. */
  token?: string;
  bot?: DiscordUser;
  /** HELLO's heartbeat_interval (Discord sends ~41 s). */
  heartbeatIntervalMs?: number;
}

export interface DiscordFake {
  /** The versioned REST base, as `DISCORD_API_URL` takes it (`http://127.0.0.1:<port>/api/v10`). */
  apiUrl: string;
  /** The Gateway URL `/gateway/bot` hands out. */
  gatewayUrl: string;
  token: string;
  bot: DiscordUser;
  posted: PostedMessage[];
  /** When the last post was recorded (ms), for waiting until the gateway has recorded it as sent. */
  lastPostAt: number;
  /** Channel ids the bot sent typing to, in order. */
  typing: string[];
  identifies: { token: string; intents: number }[];
  resumes: { sessionId: string; seq: number }[];
  heartbeats: number;
  /** Live gateway sockets. */
  connections(): number;
  /** Requests refused for a wrong token (REST 401s and gateway 4004 closes). */
  unauthorized: number;
  /** Dispatches MESSAGE_CREATE to the current session; returns the message id. */
  message(msg: InboundMessage): string;
  /** Cuts the live gateway socket without a close frame. */
  drop(): void;
  /** Makes a channel exist (one a message arrived in exists already); posts to others get Unknown Channel. */
  addChannel(id: string): void;
  /** Makes a public thread of `parentId` exist; `announce` also dispatches its THREAD_CREATE, as Discord does. */
  addThread(id: string, parentId: string, guildId: string, announce?: boolean): void;
  /** Channel ids looked up with `GET /channels/:id`, in order. */
  channelLookups: string[];
  /**
   * While on, message posts wait (in flight) until `hold(false)`; a held post whose client went away meanwhile is
   * dropped unrecorded, as Discord never saw it complete.
   */
  hold(on: boolean): void;
  /** Posts waiting now. */
  held(): number;
  /** Makes every REST call fail with this status until called with null (an outage). */
  failRest(status: number | null): void;
  until(cond: () => boolean, ms?: number): Promise<void>;
  stop(): void;
}

interface Session {
  id: string;
  seq: number;
  /** Every dispatch of the session, for RESUME replays. */
  log: { s: number; frame: string }[];
  socket: FakeSocket | null;
}

const unauthorizedBody = { message: "401: Unauthorized", code: 0 };

export function startDiscord(serve: ServeLocal, options: DiscordFakeOptions = {}): DiscordFake {
  const token = options.token ?? "discord-test-token";
  const bot: DiscordUser = options.bot ?? { id: "900000000000000001", username: "clawbot", bot: true };
  const signal = new Signal();
  const sessions = new Map<string, Session>();
  const sockets = new FakeSockets(signal);
  /** The session each socket identified or resumed. */
  const sessionOf = new Map<FakeSocket, Session>();
  let current: Session | null = null;
  let ids = 1_000_000_000_000_000n;
  const snowflake = () => String(++ids);
  let restFailure: number | null = null;
  const channels = new Set<string>();
  const threads = new Map<string, { id: string; type: 11; parent_id: string; guild_id: string; name: string }>();
  const holds = new HeldRequests(signal);

  const dispatch = (session: Session, t: string, d: unknown): void => {
    const s = ++session.seq;
    const frame = JSON.stringify({ op: 0, t, s, d });
    session.log.push({ s, frame });
    session.socket?.send(frame);
  };

  const authorized = (req: Request) => req.headers.get("authorization") === `Bot ${token}`;

  const rest = async (req: Request, path: string): Promise<Response> => {
    if (restFailure !== null) return Response.json({ message: "Service Unavailable", code: 0 }, { status: restFailure });
    if (!authorized(req)) {
      fake.unauthorized++;
      signal.wake();
      return Response.json(unauthorizedBody, { status: 401 });
    }
    if (req.method === "GET" && path === "/gateway/bot") {
      return Response.json({
        url: fake.gatewayUrl,
        shards: 1,
        session_start_limit: { total: 1000, remaining: 999, reset_after: 14_400_000, max_concurrency: 1 },
      });
    }
    if (req.method === "GET" && path === "/users/@me") {
      return Response.json({ ...bot, discriminator: "0", global_name: null, avatar: null, bot: true, flags: 0 });
    }
    if (req.method === "POST" && path === "/users/@me/channels") {
      const body = (await req.json()) as { recipient_id: string };
      channels.add(`dm-${body.recipient_id}`);
      return Response.json({ id: `dm-${body.recipient_id}`, type: 1, recipients: [{ id: body.recipient_id }] });
    }
    const lookup = /^\/channels\/([^/]+)$/.exec(path);
    if (req.method === "GET" && lookup) {
      fake.channelLookups.push(lookup[1]!);
      signal.wake();
      const thread = threads.get(lookup[1]!);
      if (thread) return Response.json(thread);
      return channels.has(lookup[1]!) ? Response.json({ id: lookup[1], type: 0, name: lookup[1] }) : Response.json({ message: "Unknown Channel", code: 10003 }, { status: 404 });
    }
    const inChannel = /^\/channels\/([^/]+)\//.exec(path);
    if (inChannel && !channels.has(inChannel[1]!)) return Response.json({ message: "Unknown Channel", code: 10003 }, { status: 404 });
    const typing = /^\/channels\/([^/]+)\/typing$/.exec(path);
    if (req.method === "POST" && typing) {
      fake.typing.push(typing[1]!);
      signal.wake();
      return new Response(null, { status: 204 });
    }
    const messages = /^\/channels\/([^/]+)\/messages$/.exec(path);
    if (req.method === "POST" && messages) {
      const body = (await req.json()) as { content?: string; message_reference?: { message_id?: string } };
      if (await holds.abandoned(req)) return new Response(null, { status: 499 });
      const content = body.content ?? "";
      // Discord's own limit: 2,000 characters per message.
      if (content.length > 2000) {
        return Response.json(
          { message: "Invalid Form Body", code: 50035, errors: { content: { _errors: [{ code: "BASE_TYPE_MAX_LENGTH", message: "Must be 2000 or fewer in length." }] } } },
          { status: 400 },
        );
      }
      const id = snowflake();
      const posted: PostedMessage = { id, channelId: messages[1]!, content };
      if (body.message_reference?.message_id) posted.replyTo = body.message_reference.message_id;
      fake.posted.push(posted);
      fake.lastPostAt = Date.now();
      signal.wake();
      return Response.json({ id, channel_id: messages[1], content, author: { ...bot, discriminator: "0" }, timestamp: new Date().toISOString(), type: 0, mentions: [], attachments: [], embeds: [] });
    }
    return Response.json({ message: "404: Not Found", code: 0 }, { status: 404 });
  };

  const onFrame = (ws: FakeSocket, raw: string): void => {
    const frame = JSON.parse(raw) as { op: number; d: any };
    switch (frame.op) {
      case 1: // HEARTBEAT
        fake.heartbeats++;
        ws.send(JSON.stringify({ op: 11 }));
        break;
      case 2: {
        // IDENTIFY
        fake.identifies.push({ token: frame.d.token, intents: frame.d.intents });
        if (frame.d.token !== token) {
          fake.unauthorized++;
          ws.close(4004, "Authentication failed.");
          break;
        }
        const session: Session = { id: crypto.randomUUID().replaceAll("-", ""), seq: 0, log: [], socket: ws };
        sessions.set(session.id, session);
        if (current?.socket) current.socket = null;
        current = session;
        sessionOf.set(ws, session);
        dispatch(session, "READY", {
          v: 10,
          user: { ...bot, discriminator: "0" },
          guilds: [],
          session_id: session.id,
          resume_gateway_url: fake.gatewayUrl,
          shard: [0, 1],
          application: { id: bot.id, flags: 0 },
        });
        break;
      }
      case 6: {
        // RESUME
        fake.resumes.push({ sessionId: frame.d.session_id, seq: frame.d.seq });
        const session = sessions.get(frame.d.session_id);
        if (frame.d.token !== token || !session) {
          ws.send(JSON.stringify({ op: 9, d: false }));
          break;
        }
        session.socket = ws;
        sessionOf.set(ws, session);
        current = session;
        for (const entry of session.log) if (entry.s > frame.d.seq) ws.send(entry.frame);
        dispatch(session, "RESUMED", null);
        break;
      }
    }
  };

  const server = serve(
    (req, upgrade) => {
      const url = new URL(req.url);
      if (url.pathname === "/gateway") {
        if (url.searchParams.get("v") !== "10" || url.searchParams.get("encoding") !== "json") return new Response("bad gateway query", { status: 400 });
        return upgrade() ?? new Response("upgrade required", { status: 426 });
      }
      if (url.pathname.startsWith("/api/v10/")) return rest(req, decodeURIComponent(url.pathname.slice("/api/v10".length)));
      return new Response("not found", { status: 404 });
    },
    sockets.serve({
      open(ws) {
        ws.send(JSON.stringify({ op: 10, d: { heartbeat_interval: options.heartbeatIntervalMs ?? 41_250 } }));
      },
      message: onFrame,
      close(ws) {
        const session = sessionOf.get(ws);
        sessionOf.delete(ws);
        if (session?.socket === ws) session.socket = null;
      },
    }),
  );

  const origin = `http://127.0.0.1:${server.port}`;
  const fake: DiscordFake = {
    apiUrl: `${origin}/api/v10`,
    gatewayUrl: `ws://127.0.0.1:${server.port}/gateway`,
    token,
    bot,
    posted: [],
    lastPostAt: 0,
    typing: [],
    identifies: [],
    resumes: [],
    heartbeats: 0,
    unauthorized: 0,
    connections: () => sockets.count(),
    message(msg) {
      if (!current) throw new Error("no gateway session to dispatch to");
      const id = msg.id ?? snowflake();
      channels.add(msg.channelId);
      dispatch(current, "MESSAGE_CREATE", {
        id,
        type: 0,
        channel_id: msg.channelId,
        ...(msg.guildId ? { guild_id: msg.guildId } : {}),
        author: { ...msg.author, discriminator: "0", global_name: null, avatar: null },
        content: msg.content,
        mentions: (msg.mentions ?? []).map((u) => ({ ...u, discriminator: "0" })),
        mention_roles: [],
        mention_everyone: false,
        attachments: [],
        embeds: [],
        timestamp: new Date().toISOString(),
        tts: false,
        pinned: false,
      });
      return id;
    },
    drop: () => sockets.drop(),
    addChannel(id) {
      channels.add(id);
    },
    addThread(id, parentId, guildId, announce = false) {
      const thread = { id, type: 11 as const, parent_id: parentId, guild_id: guildId, name: `thread ${id}` };
      channels.add(id);
      threads.set(id, thread);
      if (announce && current) dispatch(current, "THREAD_CREATE", { ...thread, newly_created: true });
    },
    channelLookups: [],
    hold: (on) => holds.hold(on),
    held: () => holds.held(),
    failRest(status) {
      restFailure = status;
    },
    until: (cond, ms) => signal.until(cond, ms),
    stop() {
      server.stop();
    },
  };
  return fake;
}
