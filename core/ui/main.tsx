/** @jsxImportSource hono/jsx/dom */
/**
 * clawgate's own Control UI and WebChat: the login with the gateway secret,
 * the wait for pairing approval, and the shell whose panes each talk to the
 * gateway over one connection (./client.ts). Every pane subscribes and loads
 * in useLayoutEffect: hono runs useEffect in requestAnimationFrame, which a
 * background tab never calls, so a state change or event before it was lost.
 */
import { render, useLayoutEffect, useState } from "hono/jsx/dom";
import { ChatPane } from "./chat.tsx";
import { GatewayClient, type ConnState } from "./client.ts";
import { ConfigPane } from "./config.tsx";
import { LogsPane } from "./logs.tsx";
import { ChannelsPane, CronPane, DevicesPane, NodesPane, PairingPane, StatusPane } from "./panes.tsx";
import { hrefOf, PANES, parseRoute, type Pane, type Route } from "./route.ts";

const client = new GatewayClient(`${location.protocol === "https:" ? "wss" : "ws"}://${location.host}`);

const LABELS: Record<Pane, string> = {
  chat: "Chat", pairing: "Pairing", devices: "Devices", nodes: "Nodes", channels: "Channels",
  cron: "Cron", status: "Status", logs: "Logs", config: "Config",
};

function Login({ error }: { error?: string }) {
  const [secret, setSecret] = useState("");
  const [isPassword, setIsPassword] = useState(false);
  const submit = (e: Event) => {
    e.preventDefault();
    // An empty secret is for `gateway.auth.mode: "none"`; any other mode refuses it with its own message.
    client.start(!secret ? {} : isPassword ? { password: secret } : { token: secret });
  };
  return (
    <main class="login">
      <form onSubmit={submit} aria-label="Log in">
        <h1>clawgate</h1>
        <p>Log in with the gateway's token or password (<code>gateway.auth</code> in openclaw.json).</p>
        <label for="secret">{isPassword ? "Gateway password" : "Gateway token"}</label>
        <input id="secret" name="secret" type="password" autocomplete="current-password" autofocus value={secret} onInput={(e: Event) => setSecret((e.target as HTMLInputElement).value)} />
        <label class="check"><input type="checkbox" checked={isPassword} onChange={(e: Event) => setIsPassword((e.target as HTMLInputElement).checked)} /> It is a password</label>
        {error ? <p class="error" role="alert">{error}</p> : null}
        <button type="submit">Connect</button>
      </form>
    </main>
  );
}

function Waiting({ state }: { state: ConnState & { kind: "pairing" } }) {
  return (
    <main class="login">
      <section aria-live="polite" class="pairing-wait">
        <h1>Waiting for approval</h1>
        <p>This browser asked to pair with the gateway. Approve it on the gateway host:</p>
        <pre>{`clawgate devices approve ${state.requestId ?? "--latest"}`}</pre>
        <p>or from <b>Pairing</b> in a browser that is already signed in. This page connects on its own once approved.</p>
        <p class="muted">Device <code>{state.deviceId.slice(0, 16)}</code></p>
        <button type="button" onClick={() => client.checkNow()}>Check now</button>
        <button type="button" class="secondary" onClick={() => client.stop()}>Cancel</button>
      </section>
    </main>
  );
}

const PENDING_POLL_MS = 10_000;

/** Events that change what waits on Pairing; sender requests have none, so they are only seen by asking. */
const PENDING_EVENTS = ["device.pair.requested", "device.pair.resolved", "exec.approval.requested", "exec.approval.resolved"];

/** Pending device and sender pairings and exec approvals, for the badge on Pairing. */
function usePendingCount(): number {
  const [count, setCount] = useState(0);
  useLayoutEffect(() => {
    const load = () =>
      Promise.all([client.request("device.pair.list"), client.request("channels.pairing.list"), client.request("exec.approval.list")]).then(
        ([devices, senders, approvals]) => setCount((devices.pending?.length ?? 0) + (senders.requests?.length ?? 0) + (approvals?.length ?? 0)),
        () => undefined,
      );
    load();
    const timer = setInterval(load, PENDING_POLL_MS);
    const off = client.onEvent((event) => {
      if (PENDING_EVENTS.includes(event)) load();
    });
    return () => {
      clearInterval(timer);
      off();
    };
  }, []);
  return count;
}

function Shell({ hello }: { hello: Record<string, any> }) {
  const [route, setRoute] = useState<Route>(parseRoute());
  const pending = usePendingCount();
  useLayoutEffect(() => {
    const onPop = () => setRoute(parseRoute());
    addEventListener("popstate", onPop);
    return () => removeEventListener("popstate", onPop);
  }, []);
  const go = (e: Event, next: Route) => {
    e.preventDefault();
    history.pushState(null, "", hrefOf(next));
    setRoute(next);
  };
  const defaults = hello.snapshot?.sessionDefaults ?? {};
  const agentId = route.agentId ?? defaults.defaultAgentId ?? "main";
  // As upstream's Control UI: a hello without granted scopes restricts nothing.
  const granted: string[] | undefined = hello.auth?.scopes;
  const canAdmin = !granted || granted.includes("operator.admin");
  let pane;
  switch (route.pane) {
    case "chat": pane = <ChatPane key={agentId} client={client} agentId={agentId} session={route.session} />; break;
    case "pairing": pane = <PairingPane client={client} />; break;
    case "devices": pane = <DevicesPane client={client} />; break;
    case "nodes": pane = <NodesPane client={client} />; break;
    case "channels": pane = <ChannelsPane client={client} canLink={canAdmin} />; break;
    case "cron": pane = <CronPane client={client} />; break;
    case "status": pane = <StatusPane client={client} />; break;
    case "logs": pane = <LogsPane client={client} />; break;
    case "config": pane = <ConfigPane client={client} />; break;
  }
  return (
    <div class="shell">
      <header>
        <span class="brand">clawgate</span>
        <nav aria-label="Sections">
          {PANES.map((p) => (
            <a href={hrefOf({ pane: p })} aria-current={route.pane === p ? "page" : undefined} onClick={(e: Event) => go(e, { pane: p })}>
              {LABELS[p]}
              {p === "pairing" && pending > 0 ? <span class="badge" aria-label={`${pending} pending`}>{pending}</span> : null}
            </a>
          ))}
        </nav>
        <button type="button" class="secondary" onClick={() => client.stop(true)}>Log out</button>
      </header>
      <main id="pane" data-pane={route.pane}>{pane}</main>
    </div>
  );
}

function App() {
  const [state, setState] = useState<ConnState>(client.state);
  const [lastHello, setLastHello] = useState<Record<string, any> | undefined>();
  useLayoutEffect(() => {
    const onState = (s: ConnState) => {
      setState(s);
      if (s.kind === "open") setLastHello(s.hello);
    };
    onState(client.state);
    return client.onState(onState);
  }, []);
  if (state.kind === "pairing") return <Waiting state={state} />;
  // While reconnecting, the shell stays up so a draft or a scrolled log is not lost.
  if (state.kind === "open" || (state.kind === "connecting" && lastHello)) {
    return (
      <>
        {state.kind === "connecting" ? <div class="banner" role="status">Reconnecting…</div> : null}
        <Shell hello={state.kind === "open" ? state.hello : lastHello!} />
      </>
    );
  }
  if (state.kind === "connecting") return <main class="login"><p role="status">Connecting…</p></main>;
  return <Login error={state.kind === "refused" ? state.message : undefined} />;
}

// A device token from an earlier visit logs in without the secret; connecting before the first render saves a frame or more.
if (client.hasDeviceToken) client.start();
render(<App />, document.getElementById("app")!);
