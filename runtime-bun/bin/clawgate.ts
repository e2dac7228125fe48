#!/usr/bin/env bun
/** Entry point of the `clawgate` command, of `npm start`'s bundle and of the compiled binary. */
import { startupJitPolicy } from "../jit-policy.ts";

// Before anything else is evaluated: the CLI's modules load under the start-up JIT policy.
// No top-level await, so the same entry bundles to CommonJS with bytecode (runtime-bun/bundle.ts).
startupJitPolicy();
Promise.all([import("../bun-platform.ts"), import("../cli/main.ts")])
  .then(([{ bunPlatform }, { main }]) => main(process.argv.slice(2), bunPlatform))
  .then((code) => {
    process.exitCode = code;
  });
