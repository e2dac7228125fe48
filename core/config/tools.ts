/**
 * The `tools` section of openclaw.json (upstream's names): the policy knobs
 * (`profile`, `allow`, `alsoAllow`, `deny`, also per agent) and each tool's
 * own settings. Loose objects, like the rest of the schema, so upstream keys
 * clawgate does not read survive. Runtime-agnostic.
 */
import { z } from "../zod.ts";
import { execConfigSchema } from "../exec/config-schema.ts";

/** `tools.profile`: upstream's base allowlists (core/tools/policy.ts). */
export const TOOL_PROFILES = ["minimal", "coding", "messaging", "full"] as const;
export type ToolProfile = (typeof TOOL_PROFILES)[number];

const names = z.optional(z.array(z.string()));

/** `tools.{profile,allow,alsoAllow,deny}`, also `agents.entries.<id>.tools`. */
export const toolPolicySchema = z.looseObject({
  profile: z.optional(z.enum(TOOL_PROFILES)),
  allow: names,
  alsoAllow: names,
  deny: names,
  exec: z.optional(execConfigSchema),
});

/** `tools.web.fetch.ssrfPolicy`: which private or internal targets `web_fetch` may reach. */
const ssrfPolicySchema = z.looseObject({
  dangerouslyAllowPrivateNetwork: z.optional(z.boolean()),
  allowedHostnames: names,
  blockedHostnames: names,
});

/** `tools.web.fetch` (docs/tools/web-fetch.md). */
const webFetchSchema = z.looseObject({
  enabled: z.optional(z.boolean()),
  maxChars: z.optional(z.int().check(z.gte(1))),
  maxCharsCap: z.optional(z.int().check(z.gte(1))),
  maxResponseBytes: z.optional(z.int().check(z.gte(1))),
  timeoutSeconds: z.optional(z.number().check(z.positive())),
  maxRedirects: z.optional(z.int().check(z.gte(0))),
  readability: z.optional(z.boolean()),
  userAgent: z.optional(z.string()),
  ssrfPolicy: z.optional(ssrfPolicySchema),
});

export const toolsSchema = z.extend(toolPolicySchema, {
  web: z.optional(z.looseObject({ fetch: z.optional(webFetchSchema) })),
  exec: z.optional(execConfigSchema),
});

/** `gateway.tools`: the `/tools/invoke` HTTP deny list and the exceptions to its defaults. */
export const gatewayToolsSchema = z.looseObject({ allow: names, deny: names });
