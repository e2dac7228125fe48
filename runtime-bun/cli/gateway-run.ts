/**
 * `clawgate gateway run`: the gateway in the foreground, with OpenClaw's flags.
 */
import { readFileSync } from "node:fs";
import { networkInterfaces } from "node:os";
import { assertBindAllowed, ConfigRefusal, isLoopbackBind, resolveAuth } from "../../core/config/auth.ts";
import { resolvePort } from "../../core/config/paths.ts";
import type { AuthMode } from "../../core/auth/secrets.ts";
import { hostInfo } from "../host.ts";
import { FileLogger } from "../log-file.ts";
import { startBridge } from "../bridge.ts";
import { startDiscovery } from "../mdns.ts";
import { serveGateway } from "../server.ts";
import { databasePath, SqliteStore } from "../sqlite-store.ts";
import { ConfigError, currentPaths, loadOrCreateConfig, loadOrCreateIdentity } from "../state.ts";
import { VERSION } from "../version.ts";
import { color, EXIT, fail } from "./output.ts";

export interface RunFlags {
  port?: number;
  bind?: string;
  token?: string;
  password?: string;
  passwordFile?: string;
  auth?: string;
  profile?: string;
  verbose?: boolean;
}

/** Listen addresses for a bind mode (§11). */
function bindHosts(bind: string, customHost: string | undefined): string[] | string {
  switch (bind) {
    case "loopback": return ["127.0.0.1", "::1"];
    case "lan":
    case "auto": return ["0.0.0.0"];
    case "custom": return customHost ? [customHost] : "gateway.bind is custom but gateway.customBindHost is not set";
    case "tailnet": {
      for (const addrs of Object.values(networkInterfaces())) {
        for (const a of addrs ?? []) if (a.family === "IPv4" && /^100\.(6[4-9]|[7-9]\d|1[01]\d|12[0-7])\./.test(a.address)) return [a.address];
      }
      return "gateway.bind is tailnet but no Tailscale address was found on this host";
    }
    default: return [bind];
  }
}

/** Runs until SIGINT/SIGTERM; resolves with the exit code. */
export async function gatewayRun(flags: RunFlags): Promise<number> {
  const paths = currentPaths(flags.profile);
  let loaded;
  try {
    loaded = loadOrCreateConfig(paths);
  } catch (error) {
    if (error instanceof ConfigError) return fail(error.message, EXIT.config, "Fix the file, or run `clawgate doctor`.");
    throw error;
  }
  const { config, created } = loaded;
  const logger = new FileLogger(config.logging?.file ?? `${paths.stateDir}/logs/gateway.log`, flags.verbose ? "debug" : config.logging?.level ?? "info");
  if (created) process.stderr.write(`${color.green("created")} ${paths.configPath} with a new gateway token (gateway.auth.token); the local CLI reads it from there.\n`);

  const bind = flags.bind ?? config.gateway?.bind ?? "loopback";
  let auth;
  try {
    const password = flags.passwordFile ? readFileSync(flags.passwordFile, "utf8").trim() : flags.password;
    auth = resolveAuth(config, process.env, { token: flags.token, password, auth: flags.auth as AuthMode | undefined });
    assertBindAllowed(bind, auth);
    if (auth.mode === "token" && !auth.token) {
      if (!isLoopbackBind(bind)) throw new ConfigRefusal(`Refusing to bind gateway to ${bind} without auth.`);
      auth = { ...auth, token: Buffer.from(crypto.getRandomValues(new Uint8Array(24))).toString("hex") };
      logger.warn("gateway", "auth token was missing. Generated a runtime token for this run; set gateway.auth.token to keep one.");
    }
  } catch (error) {
    if (error instanceof ConfigRefusal) return fail(error.message, EXIT.config);
    throw error;
  }
  const hosts = bindHosts(bind, config.gateway?.customBindHost);
  if (typeof hosts === "string") return fail(hosts, EXIT.config);

  const port = resolvePort(flags.port, process.env, config.gateway?.port, paths.profile);
  const store = new SqliteStore(databasePath(paths.stateDir));
  const identity = await loadOrCreateIdentity(paths.stateDir);
  let running;
  try {
    running = serveGateway({
      config,
      auth,
      host: hostInfo({ configPath: paths.configPath, stateDir: paths.stateDir }),
      identity,
      logger,
      logs: logger,
      devices: store,
      senders: store,
      nodes: store,
      sessions: store,
      scheduler: store,
      buildId: `clawgate-${VERSION}`,
      handshakeTimeoutMs: Number(process.env.OPENCLAW_HANDSHAKE_TIMEOUT_MS) || undefined,
      port,
      hostnames: hosts,
    });
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === "EADDRINUSE") return fail(`port ${port} is already in use`, EXIT.config, "Another gateway may be running: `clawgate gateway status`, or pick another --port.");
    throw error;
  }
  logger.info("gateway", `listening on ws://${running.hostnames.map((h) => (h.includes(":") ? `[${h}]` : h)).join(", ")}:${running.port}`, { port: running.port, bind, authMode: auth.mode });
  // Test harnesses read this line to learn the port when started with --port 0.
  process.stdout.write(`clawgate listening on port ${running.port}\n`);
  // Nodes: the TCP bridge on port + 1, and mDNS / wide-area discovery (§8, §9).
  const bridge = startBridge(running, logger);
  const discovery = await startDiscovery({ config, env: process.env, gatewayPort: running.port, bridgePort: bridge?.port, stateDir: paths.stateDir, logger });

  return await new Promise<number>((resolve) => {
    const stop = async (signal: string) => {
      logger.info("gateway", `received ${signal}; shutting down`);
      await discovery.stop();
      await running.stop();
      bridge?.stop();
      store.close();
      resolve(EXIT.ok);
    };
    process.once("SIGINT", () => void stop("SIGINT"));
    process.once("SIGTERM", () => void stop("SIGTERM"));
    // One misbehaving promise must never take the gateway down (upstream's crash loop).
    process.on("unhandledRejection", (reason) => logger.error("gateway", "unhandled rejection (contained)", { reason: String(reason) }));
    process.on("uncaughtException", (error) => logger.error("gateway", "uncaught exception (contained)", { error: error.stack ?? String(error) }));
  });
}
