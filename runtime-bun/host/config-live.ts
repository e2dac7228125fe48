/**
 * The running gateway's config plumbing: the reloader with its hot-apply and
 * restart hooks, and the ConfigService behind `config.*` RPCs (spec §11).
 * `gateway run` and the test harness build it the same way.
 */
import type { ConfigSnapshot } from "../../core/config/document.ts";
import { ConfigHasher } from "../../core/config/hash.ts";
import { ConfigReloader } from "../../core/config/reloader.ts";
import type { OpenClawConfig } from "../../core/config/schema.ts";
import { ConfigService } from "../../core/config/service.ts";
import type { Gateway } from "../../core/gateway.ts";
import { envFor } from "./config-env.ts";
import type { ConfigFile } from "./config-file.ts";
import { listenerKey, resolveRuntime, type GatewayRuntime, type RuntimeFlags } from "./config-runtime.ts";
import type { FileLogger, LogSettings } from "./log-file.ts";

export interface LiveConfigOptions {
  snapshot: ConfigSnapshot;
  file: ConfigFile;
  hashKey: Uint8Array;
  logger: FileLogger;
  runtimeFlags: RuntimeFlags;
  runtimeToken: string;
  /** The gateway to apply hot changes to, once it exists. */
  gateway(): Gateway | undefined;
  /** Logging settings a config implies (level, file, rotation). */
  logSettings(config: OpenClawConfig): LogSettings;
  /** Restarts the gateway in place. */
  restart(reason: string): void;
}

/** Registers every secret the logger must mask (§11: secrets are never written). */
export function maskSecrets(logger: FileLogger, rt: GatewayRuntime, config: OpenClawConfig): void {
  logger.addSecret(rt.auth.token);
  logger.addSecret(rt.auth.password);
  logger.addSecret(config.gateway?.remote?.token);
  logger.addSecret(config.gateway?.remote?.password);
  logger.addSecret(process.env.OPENCLAW_GATEWAY_TOKEN);
  logger.addSecret(process.env.OPENCLAW_GATEWAY_PASSWORD);
}

export function liveConfig(opts: LiveConfigOptions): { reloader: ConfigReloader; service: ConfigService } {
  const { file, logger, runtimeFlags, runtimeToken } = opts;
  const reloader: ConfigReloader = new ConfigReloader(opts.snapshot, {
    listenerKey: (config) => listenerKey(resolveRuntime(config, envFor(null), runtimeFlags, runtimeToken)),
    hot: (config) => {
      const rt = resolveRuntime(config, envFor(reloader.current.parsed), runtimeFlags, runtimeToken);
      maskSecrets(logger, rt, config);
      logger.configure(opts.logSettings(config));
      // Same-mode credential changes apply live; shared-secret sessions close 4001 (§11).
      opts.gateway()?.applyConfig(config, rt.auth);
      if (reloader.current.raw !== null) file.markGood(reloader.current.raw);
    },
    restart: opts.restart,
  }, logger);
  const service = new ConfigService({ storage: file, hasher: new ConfigHasher(opts.hashKey), envFor, reloader });
  return { reloader, service };
}
