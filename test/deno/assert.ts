/**
 * The few assertions the Deno suite needs, on Web APIs only, so the suite
 * neither fetches a test library nor pulls Node's typings into Deno.
 */

function fail(message: string): never {
  throw new Error(message);
}

/** Deep equality via canonical JSON (the values compared here are JSON data). */
export function equal(actual: unknown, expected: unknown): void {
  const canon = (v: unknown): string => JSON.stringify(v, (_k, x) => (x && typeof x === "object" && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => a.localeCompare(b))) : x));
  if (canon(actual) !== canon(expected)) fail(`expected ${canon(expected)}\n     got ${canon(actual)}`);
}

export function ok(value: unknown, message = "expected a truthy value"): void {
  if (!value) fail(message);
}

export function throws(fn: () => unknown, pattern: RegExp): void {
  try {
    fn();
  } catch (error) {
    if (!pattern.test(String((error as Error).message))) fail(`threw "${(error as Error).message}", expected ${pattern}`);
    return;
  }
  fail(`expected a throw matching ${pattern}`);
}

export async function rejects(promise: Promise<unknown>, pattern: RegExp): Promise<void> {
  try {
    await promise;
  } catch (error) {
    if (!pattern.test(String((error as Error).message))) fail(`rejected with "${(error as Error).message}", expected ${pattern}`);
    return;
  }
  fail(`expected a rejection matching ${pattern}`);
}
