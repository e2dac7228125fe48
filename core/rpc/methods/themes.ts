/**
 * `themes.list` (the General settings page): upstream's built-in theme
 * catalog and the selection `ui.prefs.theme` / `ui.prefs.themeMode` make in
 * openclaw.json. Imported themes live in a signed-in person's profile
 * preferences, which clawgate does not keep, so the catalog is the built-in
 * one and the selection's scope is the gateway's. Runtime-agnostic.
 */
import { method, noParams } from "../router.ts";
import type { GatewayServices } from "../services.ts";

/** What the group uses. */
export type ThemesMethodsContext = Pick<GatewayServices, "config">;

/** Upstream's BUILTIN_THEMES (openclaw 2026.9.6), each offered in light and dark. */
const BUILTIN_THEMES = [
  ["claw", "Claw", "Signature coral red and teal on charcoal or pale surfaces, with Instrument Sans throughout. A balanced everyday workspace."],
  ["knot", "Knot", "Crimson accents on true black or clean white, with Geist typography. Sharp, minimal, and high contrast."],
  ["dash", "Dash", "Toasted caramel on deep cocoa or warm cream, with DM Sans controls and Fraunces serif chat. Warm and bookish."],
  ["absolutely", "Absolutely", "Terracotta clay on warm graphite or soft cream, with Space Grotesk controls and Lora serif chat. Quiet editorial character."],
  ["tide", "Tide", "Steel cyan on cool slate or pale blue-gray, with IBM Plex Sans throughout. Calm, technical, and understated."],
  ["beacon", "Beacon", "High-visibility amber on black or white, bold focus rings, and Atkinson Hyperlegible typography. Designed for maximum readability."],
  ["phosphor", "Phosphor", "Luminous green on green-tinted black or pale green, with JetBrains Mono throughout. A classic green terminal atmosphere."],
  ["crt", "CRT", "White phosphor and amber on tube black, with a light counterpart, JetBrains Mono, and nearly square corners. A retro computer console."],
  ["manuscript", "Manuscript", "Lapis blue and gold on aged paper, with a dark reading-room variant and Lora serif throughout. A quiet illuminated manuscript."],
  ["rose", "Rosé", "Dried rose and gold on deep plum-gray or soft rose-tinted cream, with DM Sans. Gentle, muted, and warm."],
  ["miami", "Miami", "Hot magenta and cyan on violet-black or pale lavender, with Space Grotesk. Bright neon energy and a synthwave character."],
].map(([id, name, description]) => ({ id: id!, name: name!, description: description!, source: "builtin", modes: ["light", "dark"] }));

const MODES = new Set(["system", "light", "dark"]);

/** Upstream's selection: the configured theme when it exists (else `claw`, naming what was asked for), and its mode. */
function selection(prefs: { theme?: unknown; themeMode?: unknown } | undefined): Record<string, unknown> {
  const requested = typeof prefs?.theme === "string" ? prefs.theme : "claw";
  const found = BUILTIN_THEMES.some((t) => t.id === requested);
  const mode = typeof prefs?.themeMode === "string" && MODES.has(prefs.themeMode) ? prefs.themeMode : "system";
  return { id: found ? requested : "claw", mode, ...(mode === "system" ? {} : { effectiveMode: mode }), scope: "gateway", overrides: {}, ...(found ? {} : { requestedId: requested }) };
}

export function themesMethods(ctx: ThemesMethodsContext) {
  return [
    method("themes.list", noParams, () => {
      const current = selection((ctx.config().ui as { prefs?: { theme?: unknown; themeMode?: unknown } } | undefined)?.prefs);
      return { current, theme: BUILTIN_THEMES.find((t) => t.id === current.id)!, themes: BUILTIN_THEMES };
    }),
  ];
}
