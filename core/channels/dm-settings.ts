/**
 * DM settings as Discord and Slack read them (docs/channels/discord/access-control, docs/channels/slack/access-control):
 * the current `dmPolicy` / `allowFrom` win over the legacy `dm.policy` / `dm.allowFrom`, an account's own keys over
 * the channel root's (so a named account inherits the root only for what it leaves unset), and `dm.enabled: false`
 * turns DMs off whatever the policy says. Runtime-agnostic.
 */
import type { DmPolicy } from "./contract.ts";

/** The DM keys one scope (the channel root, or one account) may set. */
export interface DmScope {
  dmPolicy?: DmPolicy;
  allowFrom?: readonly (string | number)[];
  dm?: { enabled?: boolean; policy?: DmPolicy; allowFrom?: readonly (string | number)[] };
}

/** The effective DM policy (pairing by default) and the allowlist as configured (not yet normalized). */
export function resolveDmSettings(own: DmScope, root: DmScope): { dmPolicy: DmPolicy; allowFrom: readonly (string | number)[] | undefined } {
  const dmPolicy = own.dmPolicy ?? own.dm?.policy ?? root.dmPolicy ?? root.dm?.policy ?? "pairing";
  const allowFrom = own.allowFrom ?? own.dm?.allowFrom ?? root.allowFrom ?? root.dm?.allowFrom;
  const enabled = own.dm?.enabled ?? root.dm?.enabled ?? true;
  return { dmPolicy: enabled ? dmPolicy : "disabled", allowFrom };
}
