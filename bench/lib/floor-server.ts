/**
 * The floor the gateway is compared with: a bare Bun WebSocket server doing
 * only the transport part of the same work, run as a child process.
 * - It sends a challenge on open and answers every request frame with a `res`
 *   carrying a fixed payload (BENCH_ECHO_PAYLOAD, e.g. the gateway's own
 *   health payload), so round trips move the same bytes as the gateway's.
 * - `bench.publish {event, payload}` publishes one event frame with a `seq`
 *   to every socket natively (`server.publish`), the ceiling for fan-out.
 * - `GET /health` answers 200, for the cold-start floor.
 * Listens on BENCH_PORT (default: any free port); prints "floor listening on port N".
 */
const payload = JSON.parse(process.env.BENCH_ECHO_PAYLOAD ?? "{}");
const TOPIC = "all";
let seq = 0;

const server = Bun.serve({
  hostname: "127.0.0.1",
  port: Number(process.env.BENCH_PORT ?? 0),
  fetch(req, srv) {
    if (new URL(req.url).pathname === "/health") return Response.json({ ok: true, status: "live" });
    return srv.upgrade(req) ? undefined : new Response("websocket only", { status: 400 });
  },
  websocket: {
    perMessageDeflate: false,
    publishToSelf: true,
    open(ws) {
      ws.subscribe(TOPIC);
      ws.send(JSON.stringify({ type: "event", event: "connect.challenge", payload: { nonce: crypto.randomUUID(), ts: Date.now() } }));
    },
    message(ws, message) {
      const { id, method, params } = JSON.parse(String(message));
      if (method === "bench.publish") {
        server.publish(TOPIC, `{"type":"event","event":${JSON.stringify(params.event)},"payload":${JSON.stringify(params.payload)},"seq":${++seq}}`);
        ws.send(JSON.stringify({ type: "res", id, ok: true, payload: { ok: true } }));
        return;
      }
      ws.send(JSON.stringify({ type: "res", id, ok: true, payload }));
    },
  },
});
process.stdout.write(`floor listening on port ${server.port}\n`);
process.on("SIGTERM", () => {
  server.stop(true);
  process.exit(0);
});
