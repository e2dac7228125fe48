/**
 * The floor for socket round trips: a bare Bun WebSocket server that answers
 * every request frame with a `res` carrying a fixed payload (the gateway's own
 * health payload, passed in BENCH_ECHO_PAYLOAD), so client work and bytes on
 * the wire match the gateway's and only the gateway's dispatch differs.
 * Prints "echo listening on port N".
 */
const payload = JSON.parse(process.env.BENCH_ECHO_PAYLOAD ?? "{}");

const server = Bun.serve({
  hostname: "127.0.0.1",
  port: 0,
  fetch(req, srv) {
    return srv.upgrade(req) ? undefined : new Response("websocket only", { status: 400 });
  },
  websocket: {
    perMessageDeflate: false,
    open(ws) {
      ws.send(JSON.stringify({ type: "event", event: "connect.challenge", payload: { nonce: crypto.randomUUID(), ts: Date.now() } }));
    },
    message(ws, message) {
      const { id } = JSON.parse(String(message));
      ws.send(JSON.stringify({ type: "res", id, ok: true, payload }));
    },
  },
});
process.stdout.write(`echo listening on port ${server.port}\n`);
process.on("SIGTERM", () => {
  server.stop(true);
  process.exit(0);
});
