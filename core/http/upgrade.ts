/**
 * Upgrade admission: what both transport shims decide about an HTTP request
 * before it becomes a WebSocket, so the rule lives once. The shim reads the
 * socket's address, the path and the headers, and acts on the decision:
 * upgrade with the peer and codec, answer with the refusal, or hand the
 * request to the HTTP app. Runtime-agnostic.
 */
import { isLoopbackIp } from "../net/address.ts";
import { negotiateCodec, offeredSubprotocols, type FrameCodec } from "../protocol/codec.ts";
import type { PeerInfo } from "../runtime.ts";
import { proxyAttributionRefusal } from "./app.ts";

/** What the shim knows about a request before deciding. */
export interface UpgradeRequest {
  /** The socket's remote address, never a header's claim. */
  remoteAddress: string;
  /** The request target, absolute or a path; parsed only for an upgrade. */
  url: string;
  headers: Headers;
}

/** The decision on one request. */
export type UpgradeDecision =
  /** Upgrade once `ready` (the codec's library loading) resolved; answer with `subprotocol` when one was negotiated. */
  | { kind: "accept"; peer: PeerInfo; codec: FrameCodec; subprotocol?: string; ready?: Promise<void> }
  /** Write this response and do not upgrade. */
  | { kind: "refuse"; response: Response }
  /** Not a WebSocket upgrade to `/`: the HTTP app answers (§10). */
  | { kind: "http"; peer: PeerInfo };

/** Peer facts from the socket address and the request headers. */
export function peerFrom(remoteAddress: string, headers: Headers): PeerInfo {
  return {
    remoteAddress,
    isLoopback: isLoopbackIp(remoteAddress),
    origin: headers.get("origin") ?? undefined,
    host: headers.get("host") ?? undefined,
    forwarded: headers.has("x-forwarded-for") || headers.has("forwarded") || headers.has("x-real-ip"),
    userAgent: headers.get("user-agent") ?? undefined,
    headers,
  };
}

/**
 * Decides one request. Proxy headers from a peer outside `trustedProxies` are
 * refused at upgrade (§4.1): a client behind an untrusted proxy would
 * otherwise be attributed to the proxy's address.
 */
export function admitUpgrade(request: UpgradeRequest, trustedProxies: readonly string[]): UpgradeDecision {
  const { headers } = request;
  const peer = peerFrom(request.remoteAddress, headers);
  if (headers.get("upgrade")?.toLowerCase() !== "websocket" || new URL(request.url, "http://localhost").pathname !== "/") return { kind: "http", peer };
  if (peer.forwarded && !trustedProxies.includes(peer.remoteAddress)) return { kind: "refuse", response: proxyAttributionRefusal() };
  return { kind: "accept", peer, ...negotiateCodec(offeredSubprotocols(headers.get("sec-websocket-protocol"))) };
}
