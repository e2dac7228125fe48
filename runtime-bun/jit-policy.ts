/**
 * JavaScriptCore tier-up during start-up. Start-up code (module bodies, zod
 * schemas, config parsing) runs once, yet its loops reach the baseline and
 * DFG JITs, which cost compile time and, above all, pull the compilers' own
 * pages of the Bun executable into memory: 5 MB of the compiled binary's idle
 * RSS (38.1 -> 33.1 MB, bench binary-budget). So the CLI starts with tier-up
 * thresholds scaled up (the binary has the scale built in, so Bun's own
 * bootstrap runs under it too), and `gateway run` lowers it to
 * RUNNING_JIT_POLICY once it listens: code that stays hot (frames, handshakes,
 * fan-out by the thousand) is compiled as usual, while the few hundred calls
 * of idle work (timers, a handful of connects) no longer start the JIT at
 * all: 2-3 MB of the binary's RSS with 10 clients connected.
 */

/** Tier-up threshold scale during start-up; start-up code stays in the interpreter. */
export const STARTUP_JIT_POLICY = 100;
/** Tier-up threshold scale once the gateway listens: ten times JavaScriptCore's default. */
export const RUNNING_JIT_POLICY = 10;

// An older Bun without `Bun.unsafe.setJITPolicy` simply starts under its normal policy.
const setPolicy = (scale: number) => Bun.unsafe.setJITPolicy?.(scale);

export function startupJitPolicy(): void {
  setPolicy(STARTUP_JIT_POLICY);
}

export function runningJitPolicy(): void {
  setPolicy(RUNNING_JIT_POLICY);
}
