/**
 * The gateway's tools: built on first need (a run that may offer tools,
 * `/tools/invoke`), so an idle gateway never imports their modules; offered
 * to a run as the ones its agent's policy allows (core/tools/policy.ts). The JSON Schema the
 * model sees is derived from each tool's zod schema on first use, by a module
 * imported with the tools (core/tools/parameters.ts).
 * Runtime-agnostic.
 */
import type { ToolDefinition } from "../agent/provider.ts";
import type { OpenClawConfig } from "../config/schema.ts";
import { toolPolicy } from "./policy.ts";
import type { toolParameters } from "./parameters.ts";
import type { Tool } from "./tool.ts";

/** A tool and when it is switched on at all (e.g. `tools.web.fetch.enabled: false`). */
export interface RegisteredTool extends Tool {
  enabled?(config: OpenClawConfig): boolean;
}

export class ToolRegistry {
  private readonly tools = new Map<string, RegisteredTool>();
  private readonly schemas = new WeakMap<Tool, ToolDefinition>();
  private loading?: Promise<void>;
  private parameters?: typeof toolParameters;

  /** `load` builds every tool, in offering order; it runs once, on the first `ready()`. */
  constructor(private readonly load: () => Promise<readonly RegisteredTool[]> = async () => []) {}

  /** Resolves once the tools are built; what reads the registry awaits it first (a failed build is retried). */
  ready(): Promise<void> {
    return (this.loading ??= Promise.all([this.load(), import("./parameters.ts")]).then(([tools, { toolParameters }]) => {
      this.parameters = toolParameters;
      for (const tool of tools) this.register(tool);
    }, (error: unknown) => {
      this.loading = undefined;
      throw error;
    }));
  }

  /** Adds a tool after the built ones (an embedder's own). */
  register(tool: RegisteredTool): void {
    if (this.tools.has(tool.name)) throw new Error(`tool registered twice: ${tool.name}`);
    this.tools.set(tool.name, tool);
  }

  /** A built tool by exact name, whether or not policy allows it. */
  get(name: string): RegisteredTool | undefined {
    return this.tools.get(name);
  }

  names(): string[] {
    return [...this.tools.keys()];
  }

  /** The tools `agentId` may call under `config`, in registration order. */
  available(config: OpenClawConfig, agentId: string): RegisteredTool[] {
    if (this.tools.size === 0) return [];
    const policy = toolPolicy(config, agentId);
    return [...this.tools.values()].filter((t) => (t.enabled?.(config) ?? true) && policy.allows(t.name));
  }

  /** The OpenAI `tools[]` function entry of a tool; once `ready()` has resolved. */
  definition(tool: Tool): ToolDefinition {
    let def = this.schemas.get(tool);
    if (!def) {
      if (!this.parameters) throw new Error(`tool ${tool.name}: its definition was asked for before the tool registry was ready`);
      def = { name: tool.name, description: tool.description, parameters: this.parameters(tool) };
      this.schemas.set(tool, def);
    }
    return def;
  }
}
