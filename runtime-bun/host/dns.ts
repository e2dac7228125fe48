/**
 * DNS for core's outbound guards (core/runtime.ts HostResolver): every
 * address a name resolves to, through the system resolver as connections
 * would use it. Shared by both runtimes (node:dns).
 */
import { lookup } from "node:dns/promises";
import type { HostResolver } from "../../core/runtime.ts";

export const resolveHost: HostResolver = async (hostname) => (await lookup(hostname, { all: true, verbatim: true })).map((a) => a.address);
