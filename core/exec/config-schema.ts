/**
 * The schema of one `tools.exec` object (also `agents.entries.<id>.tools.exec`),
 * the keys of upstream's exec tool that clawgate reads; loose, so upstream keys
 * clawgate does not read are kept. A leaf module: the config schema imports it.
 * Runtime-agnostic.
 */
import { z } from "../zod.ts";

/** The schema of one `tools.exec` object (loose: upstream keys clawgate does not read are kept). */
export const execConfigSchema = z.looseObject({
  mode: z.optional(z.enum(["deny", "allowlist", "ask", "full"])),
  timeoutSeconds: z.optional(z.int().check(z.gte(0))),
  pathPrepend: z.optional(z.array(z.string())),
  safeBins: z.optional(z.array(z.string())),
});
