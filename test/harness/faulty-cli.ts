/**
 * The `clawgate` CLI as its entry runs it, plus two faults injected once the
 * gateway listens: a promise rejected with nobody to catch it and an
 * exception thrown from a timer. Prints "faults injected" after both.
 */
import { bunPlatform } from "../../runtime-bun/platform.ts";
import { main } from "../../runtime-bun/host/cli/main.ts";

// gateway run prints its listening line with console.log.
const log = console.log.bind(console);
console.log = (...args: unknown[]) => {
  log(...args);
  if (args.some((a) => String(a).includes("listening on port"))) {
    setTimeout(() => {
      void Promise.reject(new Error("injected rejection"));
      setTimeout(() => {
        throw new Error("injected exception");
      }, 0);
      setTimeout(() => log("faults injected"), 100);
    }, 0);
  }
};

process.exitCode = await main(process.argv.slice(2), bunPlatform);
