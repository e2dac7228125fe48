/**
 * What this machine knows about its gateway without asking it: paths, the
 * config snapshot, the lock/pid file and whether its process lives, the
 * installed service, and the port the gateway would use.
 */
import type { ConfigSnapshot } from "../../../core/config/document.ts";
import { defaultLogFile, resolvePortWithSource, type Paths, type PortSource } from "../../../core/config/paths.ts";
import { envFor } from "../config-env.ts";
import { isLive, lockPath, readLock, type LockRecord } from "../service/lock.ts";
import { serviceManager, type ServiceManager } from "../service/manager.ts";
import { currentPaths, readSnapshot } from "../state.ts";

export interface LocalGateway {
  paths: Paths;
  snapshot: ConfigSnapshot;
  lock?: LockRecord;
  /** The lock's process is alive and is clawgate. */
  running: boolean;
  /** A lock file exists whose process is gone (or is not clawgate). */
  stale: boolean;
  lockPath: string;
  manager?: ServiceManager;
  port: number;
  /** `running`: read from the live gateway's lock record. */
  portSource: PortSource | "running";
  logFile: string;
}

export function localGateway(profile: string | undefined, portFlag?: number): LocalGateway {
  const paths = currentPaths(profile);
  const snapshot = readSnapshot(paths.configPath);
  const config = snapshot.config ?? {};
  const lock = readLock(paths.stateDir);
  const running = lock !== undefined && isLive(lock);
  const { port, source } = resolvePortWithSource(portFlag, envFor(snapshot.parsed), config.gateway?.port, paths.profile);
  return {
    paths,
    snapshot,
    lock,
    running,
    stale: lock !== undefined && !running,
    lockPath: lockPath(paths.stateDir),
    manager: serviceManager(paths.profile),
    // A running gateway's own record wins: it may have been started with --port.
    port: running && lock?.port ? lock.port : port,
    portSource: running && lock?.port ? "running" : source,
    logFile: (running && lock?.logFile) || config.logging?.file || defaultLogFile(paths.stateDir),
  };
}
