/**
 * The tools the gateway offers its agents, registered in this order. A tool
 * that is not allowed by policy, or switched off in config, is never offered.
 * Runtime-agnostic.
 */
import { cronTool } from "./cron.ts";
import { messageTool } from "./message.ts";
import { nodesTool } from "./nodes.ts";
import { execTool } from "./exec.ts";
import type { RegisteredTool } from "./registry.ts";
import type { ToolFactory, ToolServices } from "./services.ts";
import { webFetchTool } from "./web-fetch.ts";

/** Every built-in tool factory, one per line. */
const BUILTIN_TOOLS: readonly ToolFactory[] = [
  webFetchTool,
  cronTool,
  nodesTool,
  messageTool,
  execTool,
];

/** The built-in tools, built with the gateway's services (the registry imports this module on first need). */
export function builtinTools(services: ToolServices): RegisteredTool[] {
  return BUILTIN_TOOLS.map((factory) => factory(services));
}
