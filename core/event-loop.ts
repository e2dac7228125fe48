/**
 * Event-loop health as upstream reports it in `health`, `status` and
 * `/readyz` (spec §6): how late a 1 s timer fires (p99 and max over the last
 * minute) and the process's CPU share, sampled by the gateway's 1 s timer.
 * Runtime-agnostic: CPU time comes from the shim (HostInfo.cpuMicros).
 */

/** Samples kept: one minute of 1 s beats. */
const WINDOW = 60;
/** p99 timer delay at or above this marks the loop degraded ("delay"). */
const DEGRADED_DELAY_MS = 500;
/** CPU share of one core at or above this marks it degraded ("cpu"). */
const DEGRADED_CPU_RATIO = 0.9;

export interface EventLoopHealth {
  degraded: boolean;
  /** How long it has been degraded, in ms; null while healthy. */
  degradedSinceMs: number | null;
  reasons: string[];
  intervalMs: number;
  delayP99Ms: number;
  delayMaxMs: number;
  /** CPU time over wall time of the last interval, capped at 1 (one JavaScript thread). */
  utilization: number;
  /** CPU time over wall time of the last interval, all threads. */
  cpuCoreRatio: number;
}

export class EventLoopMonitor {
  private readonly delays: number[] = [];
  private lastBeat: number;
  private lastCpu: number;
  private degradedAt: number | null = null;
  /** As of the last beat: health answers read it without recomputing (it is on `health`'s path). */
  current: EventLoopHealth = { degraded: false, degradedSinceMs: null, reasons: [], intervalMs: 0, delayP99Ms: 0, delayMaxMs: 0, utilization: 0, cpuCoreRatio: 0 };

  constructor(private readonly now: () => number, private readonly cpuMicros: () => number) {
    this.lastBeat = now();
    this.lastCpu = cpuMicros();
  }

  /** Called by a timer that should fire every `expectedMs`. */
  beat(expectedMs: number): void {
    const now = this.now();
    const cpu = this.cpuMicros();
    const intervalMs = now - this.lastBeat;
    this.delays.push(Math.max(0, intervalMs - expectedMs));
    if (this.delays.length > WINDOW) this.delays.shift();
    const cpuRatio = intervalMs > 0 ? (cpu - this.lastCpu) / 1000 / intervalMs : 0;
    this.lastBeat = now;
    this.lastCpu = cpu;
    const sorted = this.delays.toSorted((a, b) => a - b);
    const delayP99Ms = sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.99) - 1)]!;
    const reasons: string[] = [];
    if (delayP99Ms >= DEGRADED_DELAY_MS) reasons.push("delay");
    if (cpuRatio >= DEGRADED_CPU_RATIO) reasons.push("cpu");
    if (reasons.length > 0) this.degradedAt ??= now;
    else this.degradedAt = null;
    const round = (x: number) => Math.round(x * 1000) / 1000;
    this.current = {
      degraded: reasons.length > 0,
      degradedSinceMs: this.degradedAt === null ? null : now - this.degradedAt,
      reasons,
      intervalMs,
      delayP99Ms,
      delayMaxMs: sorted.at(-1)!,
      utilization: round(Math.min(1, cpuRatio)),
      cpuCoreRatio: round(cpuRatio),
    };
  }
}
