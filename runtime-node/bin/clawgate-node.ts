#!/usr/bin/env node
/**
 * Entry point of `clawgate-node`: the same CLI and gateway on Node >= 20.
 * Node does not run TypeScript, so this is bundled to dist/clawgate-node.mjs
 * (runtime-node/build.ts) and that file is what `node` and the bin run.
 */
import { main } from "../../runtime-bun/cli/main.ts";
import { nodePlatform } from "../node-platform.ts";

// Node 20 has no global WebSocket (22 has); the CLI's gateway calls (core/remote) use the global.
if (globalThis.WebSocket === undefined) globalThis.WebSocket = (await import("ws")).WebSocket as unknown as typeof WebSocket;

process.exitCode = await main(process.argv.slice(2), nodePlatform);
