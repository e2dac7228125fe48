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

/** A registered method whose group is not loaded yet: its access rule is known, its schema and handler are not. */
interface PendingMethod {
  name: string;
  access: Access;
  load(): Promise<void>;
}

/** A request that passed authorization and validation, bound to its params: calling it runs the handler. */
export type PreparedCall = () => unknown;

/** The registry of implemented methods. */
export class Router {
  private readonly methods = new Map<string, MethodDef<any> | PendingMethod>();

  add(defs: readonly MethodDef<any>[]): void {
    for (const def of defs) {
      if (this.methods.has(def.name)) throw new Error(`method registered twice: ${def.name}`);
      this.methods.set(def.name, def);
    }
  }

  /**
   * Registers a group by its method names, each with its access rule from the
   * method table; `load` runs once, on the first call of any of them, and must
   * define exactly those names in that order (a failed load is retried by the
   * next call).
   */
  addLazy(names: readonly string[], load: () => Promise<readonly MethodDef<any>[]>): void {
    let loading: Promise<void> | undefined;
    const loadOnce = () => (loading ??= load().then((defs) => this.settle(names, defs), (error: unknown) => {
      loading = undefined;
      throw error;
    }));
    for (const name of names) {
      if (this.methods.has(name)) throw new Error(`method registered twice: ${name}`);
      const access = METHOD_ACCESS[name];
      if (access === undefined) throw new Error(`method ${name} has no entry in METHOD_ACCESS`);
      this.methods.set(name, { name, access, load: loadOnce });
    }
  }

  /** A loaded group's definitions take their names' places (a Map keeps its order on `set`). */
  private settle(names: readonly string[], defs: readonly MethodDef<any>[]): void {
    const defined = defs.map((d) => d.name);
    if (defined.join("\n") !== names.join("\n")) throw new Error(`method group declares ${names.join(", ")} but defines ${defined.join(", ")}`);
    for (const def of defs) this.methods.set(def.name, def);
  }

  /** Every implemented method, for `hello-ok.features.methods`. */
  names(): string[] {
    return [...this.methods.keys()];
  }

  /**
   * Resolves, authorizes and validates one request (§5 order: role, then admin,
   * then the method scope; unknown methods need admin, then "unknown method"),
   * all before its group is loaded, so a refusal never loads code. Returns the
   * handler bound to its params, or a promise of it while the group loads.
   */
  prepare(name: string, rawParams: unknown, caller: Caller): PreparedCall | Promise<PreparedCall> {
    const entry = this.methods.get(name);
    if (entry?.access !== "none") {
      if (entry?.access === "node-role" && caller.role !== "node") throw new RoleError({ code: "INVALID_REQUEST", message: `unauthorized role: ${caller.role}` });
      if (caller.role === "node" && entry?.access !== "node-role") throw new RoleError({ code: "INVALID_REQUEST", message: "unauthorized role: node" });
      if (entry === undefined) {
        if (caller.effective.has("operator.admin")) throw invalidRequest(`unknown method: ${name}`);
        throw missingScope("operator.admin");
      }
      if (entry.access !== "node-role" && !caller.effective.has(entry.access) && !holdsSessionScope(name, caller)) throw missingScope(entry.access);
    }
    if ("handler" in entry!) return bind(entry, rawParams, caller);
    return entry!.load().then(() => bind(this.methods.get(name) as MethodDef<any>, rawParams, caller));
  }
}

/** Validates the params (then any scope they call for) and binds them to the handler. */
function bind(def: MethodDef<any>, rawParams: unknown, caller: Caller): PreparedCall {
  const parsed = def.params.safeParse(rawParams ?? {}, { reportInput: true });
  if (!parsed.success) throw invalidRequest(`invalid ${def.name} params: ${formatIssues(parsed.error.issues)}`);
  const extra = def.scopeFor?.(parsed.data);
  if (extra && !caller.effective.has(extra)) throw missingScope(extra);
  return () => def.handler(parsed.data, caller);
}
