/**
 * Method registry, per-request authorization and params validation (spec §5, §6).
 * Runtime-agnostic.
 */
import { z } from "../zod.ts";
import { GatewayError, invalidRequest, missingScope } from "../protocol/errors.ts";
import { formatIssues } from "../protocol/validation.ts";
import { METHOD_ACCESS, SESSION_SCOPE, type Access } from "../scopes/method-scopes.ts";
import type { AuthMethod } from "../handshake/connect.ts";
import type { Role, Scope } from "../scopes/scopes.ts";

/** What a handler knows about its caller. */
export interface Caller {
  connId: string;
  role: Role;
  scopes: readonly string[];
  effective: ReadonlySet<Scope>;
  clientId: string;
  clientMode: string;
  /** How the connect authenticated (§4): device-token sessions are limited to their own device. */
  authMethod: AuthMethod;
  deviceId?: string;
  /** The client's `displayName`, when it gave one (who resolved an approval). */
  displayName?: string;
}

/** One RPC method: its access rule, closed params schema and handler. */
export interface MethodDef<P = unknown> {
  name: string;
  access: Access;
  params: z.ZodMiniType<P>;
  handler: (params: P, caller: Caller) => unknown;
  /** A scope this call needs beyond `access`, read from its validated params (§5 "dynamic"). */
  scopeFor?: (params: P) => Scope | undefined;
}

/**
 * Declares a method with its params type inferred from the schema; its access
 * rule comes from the one method table (§5), which must list it. Params
 * schemas other than the smallest are declared with `z.lazy`: built on their
 * method's first call instead of at start-up, which with some 550 schemas in
 * the method modules is 1.9 MB of idle RSS (bench binary-budget).
 */
export function method<S extends z.ZodMiniType>(
  name: string,
  params: S,
  handler: (params: z.output<S>, caller: Caller) => unknown,
  scopeFor?: (params: z.output<S>) => Scope | undefined,
): MethodDef<z.output<S>> {
  const access = METHOD_ACCESS[name];
  if (access === undefined) throw new Error(`method ${name} has no entry in METHOD_ACCESS`);
  return { name, access, params: params as unknown as z.ZodMiniType<z.output<S>>, handler, scopeFor };
}

/** Closed-object params, as upstream validates them. */
export const noParams = z.strictObject({});

/** §5 (* and †): a session-scoped caller passes the chat/session methods that name its scope. */
function holdsSessionScope(name: string, caller: Caller): boolean {
  const scope = SESSION_SCOPE[name];
  return scope !== undefined && caller.effective.has(scope);
}

/** Marks an error raised by the role check, which counts toward "repeated unauthorized calls". */
export class RoleError extends GatewayError {}

/** The registry of implemented methods. */
export class Router {
  private readonly methods = new Map<string, MethodDef<any>>();

  add(defs: readonly MethodDef<any>[]): void {
    for (const def of defs) {
      if (this.methods.has(def.name)) throw new Error(`method registered twice: ${def.name}`);
      this.methods.set(def.name, def);
    }
  }

  /** Every implemented method, for `hello-ok.features.methods`. */
  names(): string[] {
    return [...this.methods.keys()];
  }

  /**
   * Resolves, authorizes and validates one request (§5 order: role, then admin,
   * then the method scope; unknown methods need admin, then "unknown method").
   * Returns the handler bound to its params.
   */
  prepare(name: string, rawParams: unknown, caller: Caller): () => unknown {
    const def = this.methods.get(name);
    if (def?.access !== "none") {
      if (def?.access === "node-role" && caller.role !== "node") throw new RoleError({ code: "INVALID_REQUEST", message: `unauthorized role: ${caller.role}` });
      if (caller.role === "node" && def?.access !== "node-role") throw new RoleError({ code: "INVALID_REQUEST", message: "unauthorized role: node" });
      if (def === undefined) {
        if (caller.effective.has("operator.admin")) throw invalidRequest(`unknown method: ${name}`);
        throw missingScope("operator.admin");
      }
      if (def.access !== "node-role" && !caller.effective.has(def.access) && !holdsSessionScope(name, caller)) throw missingScope(def.access);
    }
    const parsed = def!.params.safeParse(rawParams ?? {}, { reportInput: true });
    if (!parsed.success) throw invalidRequest(`invalid ${name} params: ${formatIssues(parsed.error.issues)}`);
    const extra = def!.scopeFor?.(parsed.data);
    if (extra && !caller.effective.has(extra)) throw missingScope(extra);
    return () => def!.handler(parsed.data, caller);
  }
}

