/**
 * `bridge.hello`, the TCP bridge's first line (docs/bridge-protocol.md): who
 * the node is, what it offers, and the same credentials and device proof a
 * WebSocket node puts in `connect` (spec §2.2, §3, §8). It is translated into
 * exactly that `connect` request, so one handshake path serves both
 * transports. Runtime-agnostic.
 */
import { z } from "../zod.ts";
import { CLIENT_IDS } from "../handshake/connect-params.ts";
import { PROTOCOL_VERSION } from "../protocol/version.ts";

const str = z.string();

export const bridgeHelloSchema = z.lazy(() => z.strictObject({
  type: z.literal("bridge.hello"),
  /** Request id for the answer; "bridge.hello" when absent. */
  id: z.optional(str.check(z.minLength(1), z.maxLength(128))),
  /** The device id: lowercase hex SHA-256 of the public key (§3). */
  nodeId: str.check(z.minLength(1)),
  clientId: z.optional(z.enum(CLIENT_IDS)),
  displayName: z.optional(str),
  version: str,
  platform: str,
  deviceFamily: z.optional(str),
  modelIdentifier: z.optional(str),
  instanceId: z.optional(str),
  capabilities: z.optional(z.array(str)),
  commands: z.optional(z.array(str)),
  permissions: z.optional(z.record(str, z.boolean())),
  pathEnv: z.optional(str),
  auth: z.optional(z.strictObject({ token: z.optional(str), password: z.optional(str), deviceToken: z.optional(str) })),
  device: z.strictObject({ publicKey: str, signature: str, signedAt: z.int(), nonce: str }),
}));

export type BridgeHello = z.output<typeof bridgeHelloSchema>;

/** The `connect` request a bridge hello stands for: a node, no operator scopes, protocol v4. */
export function connectRequestFor(hello: BridgeHello): { type: "req"; id: string; method: "connect"; params: Record<string, unknown> } {
  return {
    type: "req",
    id: hello.id ?? "bridge.hello",
    method: "connect",
    params: {
      minProtocol: PROTOCOL_VERSION,
      maxProtocol: PROTOCOL_VERSION,
      client: {
        id: hello.clientId ?? "node-host",
        displayName: hello.displayName,
        version: hello.version,
        platform: hello.platform,
        deviceFamily: hello.deviceFamily,
        modelIdentifier: hello.modelIdentifier,
        mode: "node",
        instanceId: hello.instanceId,
      },
      role: "node",
      scopes: [],
      caps: hello.capabilities ?? [],
      commands: hello.commands,
      permissions: hello.permissions,
      pathEnv: hello.pathEnv,
      auth: hello.auth,
      device: { id: hello.nodeId, ...hello.device },
    },
  };
}
