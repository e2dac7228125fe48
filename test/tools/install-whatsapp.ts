/**
 * Installs the real Baileys and QR encoder once per machine into .cache/whatsapp (a throw-away state dir's
 * `extensions/whatsapp/`), through clawgate's own installer (runtime-bun/host/channels/whatsapp/extension.ts), so the
 * WhatsApp tests (test/harness/whatsapp-fake.ts) load the exact pinned packages a user gets. Idempotent.
 */
import { installWhatsApp } from "../../runtime-bun/host/channels/whatsapp/extension.ts";
import { WHATSAPP_CACHE_STATE_DIR } from "../harness/whatsapp-fake.ts";

await installWhatsApp(WHATSAPP_CACHE_STATE_DIR, (line) => console.error(line));
