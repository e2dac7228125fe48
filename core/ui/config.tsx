/** @jsxImportSource hono/jsx/dom */
/**
 * openclaw.json in an editor: `config.get` gives the text and its hash,
 * `config.set` writes it back with that hash as `baseHash`, so an edit made
 * elsewhere meanwhile is refused with the gateway's conflict error instead of
 * being overwritten; validation errors are shown as the gateway words them.
 */
import { useLayoutEffect, useState } from "hono/jsx/dom";
import type { GatewayClient } from "./client.ts";

export function ConfigPane({ client }: { client: GatewayClient }) {
  const [raw, setRaw] = useState("");
  const [hash, setHash] = useState<string | undefined>();
  const [path, setPath] = useState("");
  const [error, setError] = useState<string | undefined>();
  const [saved, setSaved] = useState(false);
  const load = () =>
    client.request("config.get").then((r) => {
      setRaw(r.raw ?? "{}\n");
      setHash(r.hash);
      setPath(r.path ?? "");
      setError(undefined);
    }, (e: Error) => setError(e.message));
  useLayoutEffect(() => {
    load();
  }, []);
  const save = async (e: Event) => {
    e.preventDefault();
    setSaved(false);
    try {
      const r = await client.request("config.set", { raw, ...(hash ? { baseHash: hash } : {}) });
      setHash(r.hash);
      setError(undefined);
      setSaved(true);
    } catch (err) {
      setError((err as Error).message);
    }
  };
  return (
    <section class="card config" aria-labelledby="cf">
      <h2 id="cf">Config</h2>
      <p class="muted mono">{path}</p>
      <form onSubmit={save}>
        <label class="sr" for="config-raw">openclaw.json</label>
        <textarea id="config-raw" spellcheck={false} rows={20} value={raw} onInput={(e: Event) => { setRaw((e.target as HTMLTextAreaElement).value); setSaved(false); }} />
        {error ? <p class="error" role="alert">{error}</p> : null}
        {saved ? <p class="ok" role="status">Saved.</p> : null}
        <div class="actions">
          <button type="submit">Save</button>
          <button type="button" class="secondary" onClick={load}>Reload</button>
        </div>
      </form>
    </section>
  );
}
