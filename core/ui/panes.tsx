/** @jsxImportSource hono/jsx/dom */
/**
 * The operator panes: pending pairings (devices and chat senders) to approve
 * or deny and pending exec approvals to answer, devices, nodes, channels (probed; an unlinked WhatsApp account linked
 * by QR, ./whatsapp-login.tsx), cron jobs and runs, status and
 * health. Each loads its data on open and reloads on the events that change it.
 */
import { useLayoutEffect, useState } from "hono/jsx/dom";
import type { GatewayClient } from "./client.ts";
import { WhatsAppLogin } from "./whatsapp-login.tsx";

type Loader<T> = () => Promise<T>;

const SENDER_POLL_MS = 3000;

/** Data from `load`, reloaded when one of `events` arrives (or every `pollMs`); errors are shown, not thrown. */
function useGateway<T>(client: GatewayClient, load: Loader<T>, events: readonly string[] = [], pollMs?: number) {
  const [data, setData] = useState<T | undefined>();
  const [error, setError] = useState<string | undefined>();
  const reload = () => load().then((d) => { setData(d); setError(undefined); }, (e: Error) => setError(e.message));
  useLayoutEffect(() => {
    reload();
    const timer = pollMs ? setInterval(reload, pollMs) : undefined;
    const off = client.onEvent((event) => {
      if (events.includes(event)) reload();
    });
    return () => {
      clearInterval(timer);
      off();
    };
  }, []);
  return { data, error, reload, setError };
}

function when(ms: unknown): string {
  return typeof ms === "number" ? new Date(ms).toLocaleString() : typeof ms === "string" ? new Date(ms).toLocaleString() : "";
}

function Problem({ error }: { error?: string }) {
  return error ? <p class="error" role="alert">{error}</p> : null;
}

function Empty({ children }: { children: any }) {
  return <p class="muted">{children}</p>;
}

export function PairingPane({ client }: { client: GatewayClient }) {
  const devices = useGateway(client, () => client.request("device.pair.list"), ["device.pair.requested", "device.pair.resolved"]);
  // Sender requests come with no event (upstream has none either), so the list is polled while open.
  const senders = useGateway(client, () => client.request("channels.pairing.list"), [], SENDER_POLL_MS);
  const act = (p: Promise<unknown>, then: () => void, fail: (m: string) => void) => p.then(then, (e: Error) => fail(e.message));
  const pending: any[] = devices.data?.pending ?? [];
  const requests: any[] = senders.data?.requests ?? [];
  return (
    <div class="cards">
      <ExecApprovals client={client} />
      <section class="card" aria-labelledby="dp">
        <h2 id="dp">Devices waiting for approval</h2>
        <Problem error={devices.error} />
        {pending.length === 0 ? <Empty>No pending device pairings.</Empty> : (
          <ul class="rows">
            {pending.map((p) => (
              <li data-request={p.requestId}>
                <div>
                  <b>{p.displayName ?? p.clientId ?? p.deviceId?.slice(0, 12)}</b>
                  <span class="muted"> {p.role ?? (p.roles ?? []).join(", ")} · {p.remoteIp ?? "local"} · {p.platform ?? ""}</span>
                  <div class="muted mono">{p.requestId}</div>
                </div>
                <div class="actions">
                  <button type="button" onClick={() => act(client.request("device.pair.approve", { requestId: p.requestId }), devices.reload, devices.setError)}>Approve</button>
                  <button type="button" class="danger" onClick={() => act(client.request("device.pair.reject", { requestId: p.requestId }), devices.reload, devices.setError)}>Deny</button>
                </div>
              </li>
            ))}
          </ul>
        )}
      </section>
      <section class="card" aria-labelledby="sp">
        <h2 id="sp">Chat senders waiting for approval</h2>
        <Problem error={senders.error} />
        {requests.length === 0 ? <Empty>No pending sender pairings.</Empty> : (
          <ul class="rows">
            {requests.map((r) => (
              <li data-request={r.requestId}>
                <div>
                  <b>{r.channelLabel ?? r.channel}</b> <span>{r.senderId}</span>
                  <div class="muted">code <span class="mono">{r.code}</span> · account {r.accountId} · expires {when(r.expiresAt)}</div>
                </div>
                <div class="actions">
                  <button type="button" onClick={() => act(client.request("channels.pairing.approve", { channel: r.channel, accountId: r.accountId, requestId: r.requestId }), senders.reload, senders.setError)}>Approve</button>
                  <button type="button" class="danger" onClick={() => act(client.request("channels.pairing.dismiss", { channel: r.channel, accountId: r.accountId, requestId: r.requestId }), senders.reload, senders.setError)}>Deny</button>
                </div>
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}

const EXEC_DECISIONS = [["allow-once", "Allow once"], ["allow-always", "Always allow"], ["deny", "Deny"]] as const;

/** Pending exec approvals, live from the approval events; the buttons offered are the request's allowed decisions. */
function ExecApprovals({ client }: { client: GatewayClient }) {
  const approvals = useGateway(client, () => client.request("exec.approval.list"), ["exec.approval.requested", "exec.approval.resolved"]);
  const list: any[] = approvals.data ?? [];
  const decide = (id: string, decision: string) =>
    client.request("exec.approval.resolve", { id, decision }).then(approvals.reload, (e: Error) => approvals.setError(e.message));
  return (
    <section class="card" aria-labelledby="ea">
      <h2 id="ea">Commands waiting for approval</h2>
      <Problem error={approvals.error} />
      {list.length === 0 ? <Empty>No pending exec approvals.</Empty> : (
        <ul class="rows">
          {list.map(({ id, request: r, expiresAtMs }) => (
            <li data-approval={id}>
              <div>
                <code class="mono">{r.command}</code>
                <div class="muted">agent {r.agentId ?? "?"} · cwd <span class="mono">{r.cwd ?? "?"}</span> · expires {when(expiresAtMs)}</div>
              </div>
              <div class="actions">
                {EXEC_DECISIONS.filter(([d]) => (r.allowedDecisions ?? [d]).includes(d)).map(([d, label]) => (
                  <button type="button" class={d === "deny" ? "danger" : d === "allow-always" ? "secondary" : undefined} onClick={() => decide(id, d)}>{label}</button>
                ))}
              </div>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

export function DevicesPane({ client }: { client: GatewayClient }) {
  const devices = useGateway(client, () => client.request("device.pair.list"), ["device.pair.requested", "device.pair.resolved"]);
  const paired: any[] = devices.data?.paired ?? [];
  return (
    <section class="card" aria-labelledby="dv">
      <h2 id="dv">Paired devices</h2>
      <Problem error={devices.error} />
      {paired.length === 0 ? <Empty>No paired devices.</Empty> : (
        <table>
          <thead><tr><th>Name</th><th>Roles</th><th>Client</th><th>Connected</th><th /></tr></thead>
          <tbody>
            {paired.map((d) => (
              <tr>
                <td>{d.displayName ?? d.deviceId?.slice(0, 12)}<div class="muted mono">{d.deviceId?.slice(0, 16)}</div></td>
                <td>{(d.roles ?? []).join(", ")}</td>
                <td>{d.clientId ?? ""} {d.platform ?? ""}</td>
                <td>{d.connected ? "yes" : "no"}</td>
                <td><button type="button" class="danger" onClick={() => client.request("device.pair.remove", { deviceId: d.deviceId }).then(devices.reload, (e: Error) => devices.setError(e.message))}>Remove</button></td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

export function NodesPane({ client }: { client: GatewayClient }) {
  const nodes = useGateway(client, () => client.request("node.list"), ["node.pair.requested", "node.pair.resolved", "presence"]);
  const list: any[] = nodes.data?.nodes ?? [];
  return (
    <section class="card" aria-labelledby="nd">
      <h2 id="nd">Nodes</h2>
      <Problem error={nodes.error} />
      {list.length === 0 ? <Empty>No nodes.</Empty> : (
        <table>
          <thead><tr><th>Node</th><th>Platform</th><th>Status</th><th>Commands</th></tr></thead>
          <tbody>
            {list.map((n) => (
              <tr><td>{n.displayName ?? n.nodeId}</td><td>{n.platform ?? ""}</td><td>{n.connected ? "connected" : n.paired ? "paired" : "pending"}</td><td>{(n.commands ?? []).join(", ")}</td></tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** A WhatsApp account that is on and has no session: the one the QR login is for. */
const unlinkedWhatsApp = (channel: string, a: any) => channel === "whatsapp" && a.enabled !== false && a.linked === false;

/** `canLink`: the session holds operator.admin, which `web.login.start` / `web.login.wait` need. */
export function ChannelsPane({ client, canLink }: { client: GatewayClient; canLink: boolean }) {
  const channels = useGateway(client, () => client.request("channels.status", { probe: true, timeoutMs: 8000 }));
  const [linking, setLinking] = useState<string | undefined>();
  const order: string[] = channels.data?.channelOrder ?? Object.keys(channels.data?.channels ?? {});
  return (
    <div class="cards">
      <section class="card" aria-labelledby="ch">
        <h2 id="ch">Channels</h2>
        <Problem error={channels.error} />
        <button type="button" class="secondary" onClick={channels.reload}>Probe again</button>
        {order.length === 0 ? <Empty>No channels configured.</Empty> : (
          <table>
            <thead><tr><th>Channel</th><th>Account</th><th>State</th><th>Last error</th><th /></tr></thead>
            <tbody>
              {order.flatMap((id) => {
                const accounts: any[] = channels.data?.channelAccounts?.[id] ?? [channels.data?.channels?.[id] ?? {}];
                return accounts.map((a) => (
                  <tr>
                    <td>{channels.data?.channelLabels?.[id] ?? id}</td>
                    <td>{a.accountId ?? "default"}</td>
                    <td>{a.running ? "running" : a.connected ? "connected" : a.configured ? "configured" : "off"}{a.probe ? (a.probe.ok ? " · probe ok" : " · probe failed") : ""}</td>
                    <td>{a.lastError ?? a.probe?.error ?? ""}</td>
                    <td>{canLink && unlinkedWhatsApp(id, a) && linking === undefined ? <button type="button" onClick={() => setLinking(a.accountId ?? "default")}>Link WhatsApp</button> : null}</td>
                  </tr>
                ));
              })}
            </tbody>
          </table>
        )}
      </section>
      {linking === undefined ? null : <WhatsAppLogin key={linking} client={client} accountId={linking} onLinked={channels.reload} onClose={() => setLinking(undefined)} />}
    </div>
  );
}

/** `cron 0 7 * * *`, `every 60 min`, or the `at` time of a cron schedule. */
function schedule(s: { kind?: string; expr?: string; tz?: string; everyMs?: number; at?: string }): string {
  if (s.expr) return `cron ${s.expr}${s.tz ? ` (${s.tz})` : ""}`;
  if (typeof s.everyMs === "number") return s.everyMs % 60_000 === 0 ? `every ${s.everyMs / 60_000} min` : `every ${s.everyMs / 1000} s`;
  return s.at ? `at ${when(s.at)}` : s.kind ?? "";
}

export function CronPane({ client }: { client: GatewayClient }) {
  const jobs = useGateway(client, () => client.request("cron.list", { includeDisabled: true }), ["cron"]);
  const runs = useGateway(client, () => client.request("cron.runs", { scope: "all", limit: 50 }), ["cron"]);
  const list: any[] = jobs.data?.jobs ?? [];
  const entries: any[] = runs.data?.entries ?? [];
  const names = new Map(list.map((j) => [j.id as string, j.name as string]));
  return (
    <div class="cards">
      <section class="card" aria-labelledby="cj">
        <h2 id="cj">Cron jobs</h2>
        <Problem error={jobs.error} />
        {list.length === 0 ? <Empty>No cron jobs.</Empty> : (
          <table>
            <thead><tr><th>Name</th><th>Schedule</th><th>Next run</th><th>Last</th><th /></tr></thead>
            <tbody>
              {list.map((j) => (
                <tr>
                  <td>{j.name}{j.enabled ? "" : " (disabled)"}</td>
                  <td class="mono">{schedule(j.schedule ?? {})}</td>
                  <td>{when(j.state?.nextRunAtMs)}</td>
                  <td>{j.state?.lastRunStatus ?? ""}</td>
                  <td><button type="button" class="secondary" onClick={() => client.request("cron.run", { id: j.id, mode: "force" }).then(runs.reload, (e: Error) => jobs.setError(e.message))}>Run now</button></td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section class="card" aria-labelledby="cr">
        <h2 id="cr">Recent runs</h2>
        <Problem error={runs.error} />
        {entries.length === 0 ? <Empty>No runs yet.</Empty> : (
          <ul class="rows">
            {entries.map((e) => <li><span>{when(e.ts ?? e.runAtMs)}</span> <b>{names.get(e.jobId) ?? e.jobId}</b> <span class="muted">{e.status}{e.error ? `: ${e.error}` : ""}</span></li>)}
          </ul>
        )}
      </section>
    </div>
  );
}

export function StatusPane({ client }: { client: GatewayClient }) {
  const status = useGateway(client, () => client.request("status"));
  const health = useGateway(client, () => client.request("health"), ["health"]);
  const h = health.data ?? {};
  return (
    <div class="cards">
      <section class="card" aria-labelledby="hl">
        <h2 id="hl">Health</h2>
        <Problem error={health.error} />
        <dl>
          <dt>OK</dt><dd data-health-ok={String(h.ok)}>{h.ok === undefined ? "…" : h.ok ? "yes" : "no"}</dd>
          <dt>Checked</dt><dd>{when(h.ts)}</dd>
          <dt>Agents</dt><dd>{(h.agents ?? []).map((a: any) => `${a.agentId}${a.isDefault ? " (default)" : ""}`).join(", ")}</dd>
          <dt>Sessions</dt><dd>{h.sessions?.count ?? ""}</dd>
          <dt>Heartbeat</dt><dd>{h.heartbeatSeconds ? `every ${h.heartbeatSeconds} s` : "off"}</dd>
          <dt>Event loop</dt><dd>{h.eventLoop ? `${Math.round(h.eventLoop.delayP99Ms)} ms p99 timer delay` : ""}</dd>
        </dl>
      </section>
      <section class="card" aria-labelledby="st">
        <h2 id="st">Status</h2>
        <Problem error={status.error} />
        <pre class="json">{status.data ? JSON.stringify(status.data, null, 2) : "…"}</pre>
      </section>
    </div>
  );
}
