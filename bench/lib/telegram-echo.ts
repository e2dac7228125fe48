export {};
/**
 * The floor for the telegram scenario: the least a bot process can do per
 * update, with no gateway: long-poll `getUpdates` with plain fetch and, for
 * each message, call `sendMessage` at once. Run as a child process like the
 * gateway: `bun telegram-echo.ts <apiRoot> <token>`.
 */
const [apiRoot, token] = process.argv.slice(2);
const base = `${apiRoot}/bot${token}`;
const call = (method: string, body: unknown) =>
  fetch(`${base}/${method}`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) }).then((r) => r.json() as Promise<any>);

let offset: number | undefined;
for (;;) {
  const res = await call("getUpdates", { ...(offset !== undefined ? { offset } : {}), timeout: 30, limit: 100 });
  for (const u of res.result ?? []) {
    offset = u.update_id + 1;
    if (u.message) await call("sendMessage", { chat_id: u.message.chat.id, text: "echo", reply_parameters: { message_id: u.message.message_id } });
  }
}
