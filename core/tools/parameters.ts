/**
 * A tool's `parameters` as the model sees them: JSON Schema derived from its
 * zod schema. Its own module, imported when the tools are built, so zod's
 * JSON Schema code stays out of a gateway's start. Runtime-agnostic.
 */
import { z } from "../zod.ts";
import type { Tool } from "./tool.ts";

export function toolParameters(tool: Tool): Record<string, unknown> {
  const { $schema: _drop, ...parameters } = z.toJSONSchema(tool.args, { io: "input", unrepresentable: "any" }) as Record<string, unknown>;
  return parameters;
}
