/** @jsxImportSource hono/jsx/dom */
/** The gateway's log, tailed live: `logs.tail` from the last cursor, once a second while open. */
import { useLayoutEffect, useRef, useState } from "hono/jsx/dom";
import type { GatewayClient } from "./client.ts";

const MAX_LINES = 2000;
const POLL_MS = 1000;

export function LogsPane({ client }: { client: GatewayClient }) {
  const [lines, setLines] = useState<string[]>([]);
  const [error, setError] = useState<string | undefined>();
  const [follow, setFollow] = useState(true);
  const boxRef = useRef<HTMLPreElement>(null);
  useLayoutEffect(() => {
    let cursor: number | undefined;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = async () => {
      try {
        const page = await client.request("logs.tail", cursor === undefined ? { limit: 200 } : { cursor });
        cursor = page.cursor;
        const fresh: string[] = page.lines ?? [];
        if (page.reset || fresh.length) setLines((old) => (page.reset ? fresh : [...old, ...fresh]).slice(-MAX_LINES));
        setError(undefined);
      } catch (e) {
        setError((e as Error).message);
      }
      if (!stopped) timer = setTimeout(poll, POLL_MS);
    };
    poll();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, []);
  useLayoutEffect(() => {
    const el = boxRef.current;
    if (follow && el) el.scrollTop = el.scrollHeight;
  }, [lines, follow]);
  return (
    <section class="card logs" aria-labelledby="lg">
      <h2 id="lg">Logs</h2>
      <label class="check"><input type="checkbox" checked={follow} onChange={(e: Event) => setFollow((e.target as HTMLInputElement).checked)} /> Follow</label>
      {error ? <p class="error" role="alert">{error}</p> : null}
      <pre class="log" ref={boxRef} tabindex={0} aria-label="Log lines">{lines.join("\n")}</pre>
    </section>
  );
}
