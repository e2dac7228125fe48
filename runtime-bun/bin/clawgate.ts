#!/usr/bin/env bun
/** Entry point of the `clawgate` command, of `npm start`'s bundle and of the compiled binary. */
import { startupJitPolicy } from "../jit-policy.ts";

// Before anything else is evaluated: the CLI's modules load under the start-up JIT policy.
startupJitPolicy();
const [{ bunPlatform }, { main }] = await Promise.all([import("../platform.ts"), import("../host/cli/main.ts")]);
process.exitCode = await main(process.argv.slice(2), bunPlatform);
