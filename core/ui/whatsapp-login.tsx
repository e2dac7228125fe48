/** @jsxImportSource hono/jsx/dom */
/**
 * Linking a WhatsApp account from the browser: `web.login.start` shows the QR, then `web.login.wait` is asked again
 * and again (each a long poll, with the QR on screen so the gateway can tell when it changed) until the scan links
 * the account or the login ends. The gateway's own words are shown for every answer and refusal.
 */
import { useLayoutEffect, useState } from "hono/jsx/dom";
import type { GatewayClient } from "./client.ts";

// upstream's Control UI asks with these; the gateway's login lives three minutes.
const START_TIMEOUT_MS = 30_000;
const WAIT_TIMEOUT_MS = 120_000;
/** upstream's answer to a wait that timed out with the QR still unscanned: the login goes on. */
const STILL_WAITING = "Still waiting for the QR scan. Let me know when you’ve scanned it.";

type LoginView =
  | { kind: "starting" }
  | { kind: "waiting"; qrDataUrl: string; message: string }
  | { kind: "linked"; message: string }
  | { kind: "failed"; message: string };

type LoginAnswer = { connected?: boolean; message?: string; qrDataUrl?: string };

/** The QR login of one WhatsApp account; `onLinked` runs once the account is linked. */
export function WhatsAppLogin({ client, accountId, onLinked, onClose }: { client: GatewayClient; accountId: string; onLinked: () => void; onClose: () => void }) {
  const [view, setView] = useState<LoginView>({ kind: "starting" });
  useLayoutEffect(() => {
    let live = true;
    const target = { channel: "whatsapp", accountId };
    const linked = (message?: string) => {
      setView({ kind: "linked", message: message ?? "Linked" });
      onLinked();
    };
    const run = async () => {
      const start: LoginAnswer = await client.request("web.login.start", { ...target, timeoutMs: START_TIMEOUT_MS });
      if (!live) return;
      if (start.connected) return linked(start.message);
      // An answer without a QR is the gateway saying why there is none (not installed, already linked, failed).
      if (!start.qrDataUrl) return setView({ kind: "failed", message: start.message ?? "No QR from the gateway." });
      let qrDataUrl = start.qrDataUrl;
      setView({ kind: "waiting", qrDataUrl, message: start.message ?? "" });
      while (live) {
        const wait: LoginAnswer = await client.request("web.login.wait", { ...target, timeoutMs: WAIT_TIMEOUT_MS, currentQrDataUrl: qrDataUrl });
        if (!live) return;
        if (wait.connected) return linked(wait.message);
        if (wait.qrDataUrl) qrDataUrl = wait.qrDataUrl;
        else if (wait.message !== STILL_WAITING) return setView({ kind: "failed", message: wait.message ?? "The login ended." });
        setView({ kind: "waiting", qrDataUrl, message: wait.message ?? "" });
      }
    };
    run().catch((e: Error) => live && setView({ kind: "failed", message: e.message }));
    return () => {
      live = false;
    };
  }, []);
  return (
    <section class="card wa-login" aria-labelledby="wal" aria-live="polite">
      <h2 id="wal">Link WhatsApp <span class="muted">({accountId})</span></h2>
      {view.kind === "starting" ? <p role="status">Asking the gateway for a QR…</p> : null}
      {view.kind === "waiting" ? (
        <>
          <p>{view.message}</p>
          <p class="muted">On the phone: WhatsApp → Settings → Linked Devices → Link a device.</p>
          <img class="qr" src={view.qrDataUrl} alt="WhatsApp login QR code" />
        </>
      ) : null}
      {view.kind === "linked" ? <p class="ok" data-linked="true"><b>Linked</b> · {view.message}</p> : null}
      {view.kind === "failed" ? <p class="error" role="alert">{view.message}</p> : null}
      <button type="button" class="secondary" onClick={onClose}>{view.kind === "waiting" || view.kind === "starting" ? "Cancel" : "Close"}</button>
    </section>
  );
}
