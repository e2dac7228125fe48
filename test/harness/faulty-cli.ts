/**
 * The `clawgate` CLI as its entry runs it, plus two faults injected once the
 * gateway listens: a promise rejected with nobody to catch it and an
 * exception thrown from a timer. Prints "faults injected" after both.
 */
import { bunPlatform } from "../../runtime-bun/platform.ts";
import { main } from "../../runtime-bun/host/cli/main.ts";

const write = process.stdout.write.bind(process.stdout) as (text: string) => boolean;
process.stdout.write = ((text: string) => {
  const ok = write(text);
  if (String(text).includes("listening on port")) {
    setTimeout(() => {
      void Promise.reject(new Error("injected rejection"));
      setTimeout(() => {
        throw new Error("injected exception");
      }, 0);
      setTimeout(() => write("faults injected\n"), 100);
    }, 0);
  }
  return ok;
}) as typeof process.stdout.write;

process.exitCode = await main(process.argv.slice(2), bunPlatform);
