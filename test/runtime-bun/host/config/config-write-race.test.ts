/**
 * Config writes never replace content they did not see (spec §6, §11): a
 * second writer process (what `clawgate config set` runs: read, edit, write
 * through ConfigFile) keeps editing openclaw.json while `config.set` writes
 * through the gateway as fast as it can; every acknowledged edit of either
 * must survive, a write based on a stale read is refused as a conflict.
 * (An editor that ignores `<path>.lock` can still land between the last
 * compare and the rename; config-file.test.ts covers edits before that.)
 */
import { afterEach, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { startTestGateway, TEST_TOKEN, type TestGateway } from "../../../harness/gateway.ts";
import { connectClient, type ConnectedClient } from "../../../harness/reference-client.ts";

const EDITS = 150;

/** The other writer: each round checks its last acknowledged edit is still there, then writes the next one (retrying on a conflict). */
const EDITOR = `
import { ConfigFile } from ${JSON.stringify(join(import.meta.dir, "../../../../runtime-bun/host/config-file.ts"))};
const [path, edits] = [process.argv.at(-2), Number(process.argv.at(-1))];
const file = new ConfigFile(path);
let lost = 0;
for (let i = 1; i <= edits; ) {
  const seen = file.read();
  const doc = JSON.parse(seen);
  if ((doc.manualEdit ?? 0) !== i - 1) lost++;
  doc.manualEdit = i;
  if (file.write(JSON.stringify(doc, null, 2) + "\\n", seen).ok) i++;
  Bun.sleepSync(1);
}
console.log(JSON.stringify({ lost }));
`;

let gw: TestGateway | undefined;
let client: ConnectedClient | undefined;
afterEach(async () => {
  client?.client.stop();
  await gw?.stop();
});

test("a manual edit landing while config.set writes -> kept; the gateway write is refused as a conflict, never lost", async () => {
  gw = await startTestGateway({ config: { gateway: { mode: "local" } } });
  client = await connectClient({ url: gw.url, token: TEST_TOKEN, scopes: ["operator.admin"] });
  const c = client.client;
  const editor = Bun.spawn([process.execPath, "-e", EDITOR, gw.configPath, String(EDITS)], { stdout: "pipe", stderr: "pipe" });
  let editorDone = false;
  const report = (async () => {
    const [out, err, code] = await Promise.all([new Response(editor.stdout).text(), new Response(editor.stderr).text(), editor.exited]);
    if (code !== 0) throw new Error(`editor failed (${code}): ${err}`);
    editorDone = true;
    return out;
  })();
  let written = 0;
  let conflicts = 0;
  for (let i = 0; !editorDone; i++) {
    const snap = await c.request<any>("config.get", {});
    const doc = JSON.parse(snap.raw);
    doc.gatewayEdit = i;
    try {
      await c.request("config.set", { raw: JSON.stringify(doc), baseHash: snap.hash });
      written++;
    } catch (error) {
      if ((error as Error).message !== "config changed since last load; re-run config.get and retry") throw error;
      conflicts++;
    }
  }
  const out = await report;
  expect(JSON.parse(out.trim())).toEqual({ lost: 0 });
  expect(JSON.parse(readFileSync(gw.configPath, "utf8")).manualEdit).toBe(EDITS);
  // Both sides really ran against each other.
  expect(written).toBeGreaterThan(10);
  expect(conflicts).toBeGreaterThan(0);
}, 60_000);
