/**
 * Host facts only the process can read, for presence and status.
 */
import { arch, cpus, freemem, hostname, loadavg, networkInterfaces, release, totalmem } from "node:os";
import type { HostInfo } from "../../core/runtime.ts";
import { databasePath } from "./database-file.ts";

function firstExternalIPv4(): string | undefined {
  for (const addrs of Object.values(networkInterfaces())) {
    for (const a of addrs ?? []) if (a.family === "IPv4" && !a.internal) return a.address;
  }
  return undefined;
}

const FAMILY: Record<string, string> = { linux: "Linux", darwin: "Mac", win32: "Windows" };

/** `runtime` names the shim's runtime and version (Platform.runtime). */
export function hostInfo(paths: { configPath: string; stateDir: string }, runtime: string): HostInfo {
  return {
    hostname: hostname(),
    ip: firstExternalIPv4(),
    platform: `${process.platform} ${release()}`,
    deviceFamily: FAMILY[process.platform] ?? process.platform,
    runtime,
    pid: process.pid,
    memory: () => {
      const m = process.memoryUsage();
      return { rss: m.rss, heapUsed: m.heapUsed, heapTotal: m.heapTotal, external: m.external, arrayBuffers: m.arrayBuffers };
    },
    cpuMicros: () => {
      const c = process.cpuUsage();
      return c.user + c.system;
    },
    machine: () => {
      const cores = cpus();
      const [one = 0, five = 0, fifteen = 0] = loadavg();
      const model = cores[0]?.model.trim();
      return { release: release(), arch: arch(), cpuCount: cores.length, ...(model ? { cpuModel: model } : {}), loadAverage: [one, five, fifteen], memoryTotalBytes: totalmem(), memoryFreeBytes: freemem() };
    },
    ...paths,
    databasePath: databasePath(paths.stateDir),
  };
}
