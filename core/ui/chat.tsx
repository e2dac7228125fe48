/** @jsxImportSource hono/jsx/dom */
/**
 * WebChat: the agent's sessions, a session's history, replies streaming in
 * from `chat` events, abort, and new sessions (`chat.*`, `sessions.list`).
 */
import { useLayoutEffect, useRef, useState } from "hono/jsx/dom";
import { randomId, type GatewayClient } from "./client.ts";
import { chatRouteOf, hrefOf, sessionKeyOf } from "./route.ts";

interface Message {
  role: string;
  text: string;
}

interface SessionRow {
  key: string;
  displayName?: string;
  updatedAt?: number;
}

function textOf(m: { content?: unknown; text?: string }): string {
  if (typeof m.text === "string") return m.text;
  if (Array.isArray(m.content)) return m.content.map((c: any) => (typeof c?.text === "string" ? c.text : "")).join("");
  return typeof m.content === "string" ? m.content : "";
}

function shortKey(key: string): string {
  const parts = key.split(":");
  return parts.length > 2 ? parts.slice(2).join(":") : key;
}

export function ChatPane({ client, agentId, session }: { client: GatewayClient; agentId: string; session?: string }) {
  const mainKey = sessionKeyOf(agentId, undefined);
  const [sessions, setSessions] = useState<SessionRow[]>([]);
  const [sessionKey, setKey] = useState(sessionKeyOf(agentId, session));
  // The address names the open session, so a link or a reload opens it again.
  const setSessionKey = (key: string) => {
    history.replaceState(null, "", hrefOf(chatRouteOf(key)));
    // The session shown changes at once: the last one's messages never stand under it while its history loads.
    shown.current++;
    setMessages([]);
    setKey(key);
  };
  const [messages, setMessages] = useState<Message[]>([]);
  const [stream, setStream] = useState<{ runId: string; text: string } | undefined>();
  const [draft, setDraft] = useState("");
  const [error, setError] = useState<string | undefined>();
  const [notice, setNotice] = useState<string | undefined>();
  const keyRef = useRef(sessionKey);
  keyRef.current = sessionKey;
  // Bumped whenever what the pane shows changes under a pending history answer (a send, a switch).
  const shown = useRef(0);
  const listRef = useRef<HTMLDivElement>(null);

  const loadSessions = () =>
    client.request("sessions.list", { agentId, limit: 50 }).then((r) => setSessions(r.sessions ?? []), (e: Error) => setError(e.message));
  // An answer older than what the pane shows (another session, or a message sent meanwhile) is dropped:
  // it would hide the new message; the run's final event loads the history again.
  const loadHistory = (key: string) => {
    const asked = shown.current;
    return client.request("chat.history", { sessionKey: key, limit: 200 }).then(
      (r) => shown.current === asked && setMessages((r.messages ?? []).map((m: any) => ({ role: m.role, text: textOf(m) }))),
      (e: Error) => setError(e.message),
    );
  };

  // Layout effects, not useEffect: hono runs useEffect in requestAnimationFrame, which a background tab never
  // calls and a busy one calls late, so chat events arriving first were lost and a late reset wiped the stream.
  useLayoutEffect(() => {
    loadSessions();
  }, [agentId]);
  useLayoutEffect(() => {
    setStream(undefined);
    setNotice(undefined);
    loadHistory(sessionKey);
  }, [sessionKey]);
  useLayoutEffect(() => client.onEvent((event, p) => {
    if (event !== "chat" || p?.sessionKey !== keyRef.current) return;
    if (p.state === "delta") {
      setStream((s) => ({ runId: p.runId, text: (s && s.runId === p.runId ? s.text : "") + (p.deltaText ?? "") }));
    } else if (p.state === "final" || p.state === "aborted" || p.state === "error") {
      setStream(undefined);
      if (p.state === "aborted") setNotice("Stopped.");
      if (p.state === "error") setError(p.errorMessage ?? "the run failed");
      loadHistory(keyRef.current);
      loadSessions();
    }
  }), []);
  useLayoutEffect(() => {
    const el = listRef.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [messages, stream]);

  const send = async () => {
    const message = draft.trim();
    if (!message || stream) return;
    setError(undefined);
    setNotice(undefined);
    const runId = randomId();
    setDraft("");
    shown.current++;
    setMessages((m) => [...m, { role: "user", text: message }]);
    setStream({ runId, text: "" });
    try {
      await client.request("chat.send", { sessionKey, message, idempotencyKey: runId });
    } catch (e) {
      setStream(undefined);
      setError((e as Error).message);
    }
  };
  const abort = () => {
    if (stream) client.request("chat.abort", { sessionKey, runId: stream.runId }).catch((e: Error) => setError(e.message));
  };
  const newSession = () => {
    const key = `agent:${agentId}:dashboard:${randomId(6)}`;
    setSessions((s) => [{ key, displayName: "New session" }, ...s]);
    setSessionKey(key);
  };
  const onKey = (e: KeyboardEvent) => {
    if (e.key === "Escape" && stream) {
      e.preventDefault();
      abort();
    } else if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      send();
    }
  };

  const rows = sessions.some((s) => s.key === mainKey) ? sessions : [{ key: mainKey, displayName: "main" }, ...sessions];
  return (
    <div class="chat">
      <aside class="sessions" aria-label="Sessions">
        <button type="button" onClick={newSession}>New session</button>
        <ul>
          {rows.map((s) => (
            <li>
              <button type="button" class="session" aria-current={s.key === sessionKey ? "true" : undefined} onClick={() => setSessionKey(s.key)} title={s.key}>
                {s.displayName ?? shortKey(s.key)}
              </button>
            </li>
          ))}
        </ul>
      </aside>
      <section class="conversation" aria-label="Conversation">
        <div class="messages" ref={listRef} aria-live="polite">
          {messages.map((m) => <div class={`msg ${m.role}`}>{m.text}</div>)}
          {stream ? <div class="msg assistant streaming" data-run={stream.runId}>{stream.text || "…"}</div> : null}
          {notice ? <p class="muted" role="status">{notice}</p> : null}
          {error ? <p class="error" role="alert">{error}</p> : null}
        </div>
        <form class="composer" onSubmit={(e: Event) => { e.preventDefault(); send(); }}>
          <label class="sr" for="draft">Message</label>
          <textarea id="draft" rows={2} autofocus placeholder="Message" title="Enter sends, Shift+Enter starts a new line, Esc stops a reply" value={draft}
            onInput={(e: Event) => setDraft((e.target as HTMLTextAreaElement).value)} onKeyDown={onKey} />
          {stream
            ? <button type="button" class="danger" onClick={abort}>Stop</button>
            : <button type="submit" disabled={!draft.trim()}>Send</button>}
        </form>
      </section>
    </div>
  );
}
