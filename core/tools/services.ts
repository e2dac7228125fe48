/**
 * What tools are built from, as method groups are built from GatewayServices:
 * the gateway builds this once and each tool names the few parts it uses.
 * Tools that act on the gateway (cron, nodes, message) call its methods through
 * `call`, with the scopes the call needs, so they pass the same validation,
 * scope checks and allowlists as an operator's request (upstream's tools call
 * the gateway the same way). Runtime-agnostic.
 */
import type { OpenClawConfig } from "../config/schema.ts";
import { GatewayError } from "../protocol/errors.ts";
import type { HostResolver, PinnedFetch } from "../runtime.ts";
import type { ExecApprovals } from "../approvals/approvals.ts";
import type { ProcessHost } from "../runtime.ts";
import type { Scope } from "../scopes/scopes.ts";
import type { RegisteredTool } from "./registry.ts";
import { ToolError } from "./tool.ts";

export interface ToolServices {
  now(): number;
  /** The live config. */
  config(): OpenClawConfig;
  /** Calls a gateway method as an in-process operator holding `scopes`; rejects with its GatewayError. */
  call(method: string, params: unknown, scopes: readonly Scope[]): Promise<unknown>;
  /** DNS for outbound guards; absent, only IP literals can be checked (and hostnames are refused). */
  resolveHost?: HostResolver;
  /** Fetches from the addresses the guard approved; absent, names that needed DNS are refused. */
  pinnedFetch?: PinnedFetch;
  /** Runs commands on the gateway host (`exec`); absent (an embedded core), exec is not offered. */
  processes?: ProcessHost;
  /** Exec approval requests and the host approvals document. */
  approvals: ExecApprovals;
  /** The state directory (agent workspaces default under it). */
  stateDir: string;
}

/** A tool factory: the services in, the tool out. */
export type ToolFactory = (services: ToolServices) => RegisteredTool;

/**
 * `services.call` for a tool: a refused request (bad params, unknown job,
 * node not allowed) becomes an input error the model can act on; anything
 * else a failure. `context` leads the message (upstream's "action=…" prefix).
 */
export async function callGateway(services: Pick<ToolServices, "call">, context: string, method: string, params: unknown, scopes: readonly Scope[]): Promise<unknown> {
  try {
    return await services.call(method, params, scopes);
  } catch (error) {
    if (error instanceof GatewayError) throw new ToolError(`${context}: ${error.message}`, error.shape.code === "INVALID_REQUEST" ? "input" : "failed");
    throw error;
  }
}
