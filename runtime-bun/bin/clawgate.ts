#!/usr/bin/env bun
/** Entry point of the `clawgate` command and the compiled binary. */
import { bunPlatform } from "../bun-platform.ts";
import { main } from "../cli/main.ts";

process.exitCode = await main(process.argv.slice(2), bunPlatform);
