/**
 * The gateway's tools: built on first need (a run that may offer tools,
 * `/tools/invoke`), so an idle gateway never imports their modules; offered
 * to a run as the ones its agent's policy allows (core/tools/policy.ts). The JSON Schema the
 * model sees is derived from each tool's zod schema on first use.
 * Runtime-agnostic.
 */
import type { ToolDefinition } from "../agent/provider.ts";
import type { OpenClawConfig } from "../config/schema.ts";
import { z } from "../zod.ts";
import { toolPolicy } from "./policy.ts";
import type { Tool } from "./tool.ts";

/** A tool and when it is switched on at all (e.g. `tools.web.fetch.enabled: false`). */
export interface RegisteredTool extends Tool {
  enabled?(config: OpenClawConfig): boolean;
}

export class ToolRegistry {
  private readonly tools = new Map<string, RegisteredTool>();
  private readonly schemas = new WeakMap<Tool, ToolDefinition>();
  private loading?: Promise<void>;

  /** `load` builds every tool, in offering order; it runs once, on the first `ready()`. */
  constructor(private readonly load: () => Promise<readonly RegisteredTool[]> = async () => []) {}

  /** Resolves once the tools are built; what reads the registry awaits it first (a failed build is retried). */
  ready(): Promise<void> {
    return (this.loading ??= this.load().then((tools) => {
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

  /** The OpenAI `tools[]` function entry of a tool. */
  definition(tool: Tool): ToolDefinition {
    let def = this.schemas.get(tool);
    if (!def) {
      const { $schema: _drop, ...parameters } = z.toJSONSchema(tool.args, { io: "input", unrepresentable: "any" }) as Record<string, unknown>;
      def = { name: tool.name, description: tool.description, parameters };
      this.schemas.set(tool, def);
    }
    return def;
  }
}
