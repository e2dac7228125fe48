/**
 * Built-in hook mappings (`hooks.presets`), upstream's byte for byte: `gmail`
 * routes `<hooks.path>/gmail` (a gog Gmail watcher's push, `{ messages: [{ id,
 * from, subject, snippet, body }] }`) one agent run per message, in an
 * isolated session keyed by the message id. Also the Gmail path's larger body
 * allowance. Runtime-agnostic.
 */
import type { HookMappingConfig } from "./mappings.ts";

const HOOK_PRESET_MAPPINGS: Readonly<Record<string, readonly HookMappingConfig[]>> = {
  gmail: [{
    id: "gmail",
    match: { path: "gmail" },
    action: "agent",
    wakeMode: "now",
    name: "Gmail",
    forEach: "messages",
    sessionKey: "hook:gmail:{{messages[0].id}}",
    messageTemplate: "New email from {{messages[0].from}}\nSubject: {{messages[0].subject}}\n{{messages[0].snippet}}\n{{messages[0].body}}",
  }],
};

/** The mappings `hooks.presets` adds, in its order (unknown names add none); Gmail's unsafe flag applies to its preset. */
export function presetMappings(presets: readonly string[] | undefined, gmail: { allowUnsafeExternalContent?: boolean } | undefined): HookMappingConfig[] {
  const unsafe = gmail?.allowUnsafeExternalContent;
  return (presets ?? []).flatMap((preset) => {
    const mappings = HOOK_PRESET_MAPPINGS[preset] ?? [];
    return preset === "gmail" && typeof unsafe === "boolean" ? mappings.map((m) => ({ ...m, allowUnsafeExternalContent: unsafe })) : mappings;
  });
}

/** The sub-path the Gmail watcher posts to. */
export const GMAIL_HOOK_PATH = "gmail";
/** `hooks.gmail.maxBytes` when unset: the watcher's per-message body limit. */
const DEFAULT_GMAIL_MAX_BYTES = 20_000;

/**
 * The body limit of the Gmail path: room for a batch of 100 messages of
 * `maxBytes`, each escaped up to threefold plus 8 KiB of metadata, at most 32 MiB
 * (so never under the 256 KiB of other paths: 100 x 8 KiB is already more).
 */
export function gmailHookBodyLimit(maxBytes: number | undefined): number {
  const perMessage = typeof maxBytes === "number" && Number.isFinite(maxBytes) && maxBytes > 0 ? Math.floor(maxBytes) : DEFAULT_GMAIL_MAX_BYTES;
  return Math.min(32 * 1024 * 1024, 100 * (perMessage * 3 + 8192));
}
