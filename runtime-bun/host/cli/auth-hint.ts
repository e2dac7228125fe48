/**
 * Why the gateway refused the CLI's credentials, in words a user can act on:
 * the wire's "device identity required" means the CLI found no token, and a
 * token mismatch means a gateway runs with another secret, not that none runs.
 * JSON output keeps upstream's error objects; these lines are for people.
 */
import type { CallFailure } from "../../../core/remote/call.ts";
import { isLive, readLock } from "../service/lock.ts";
import { currentPaths } from "../state.ts";
import type { Target } from "./connection.ts";

export interface AuthHint {
  /** The cause, one sentence. */
  cause: string;
  /** The next step. */
  next: string;
}

/** Where the gateway's secret came from, when its pid file says so. */
function started(gatewaySource: string | undefined): string {
  if (!gatewaySource || gatewaySource === "generated") return gatewaySource === "generated" ? " (it runs with a generated token: no token was configured when it started)" : "";
  return ` (it takes its secret from ${gatewaySource})`;
}

/**
 * The cause and next step of a refused connect, or undefined when the failure
 * is not about credentials. `gatewaySource` is the running gateway's recorded
 * secret source (`secretSource` in its pid file), when it is local.
 */
export function authHint(failure: CallFailure, target: Target, configPath: string, gatewaySource?: string): AuthHint | undefined {
  if (failure.type !== "gateway_request_error") return undefined;
  const detail = (failure.error.details as { code?: string } | undefined)?.code;
  const sent = target.token ? "token" : target.password ? "password" : undefined;
  if (!sent && (detail === "DEVICE_IDENTITY_REQUIRED" || detail === "AUTH_TOKEN_MISSING" || detail === "AUTH_PASSWORD_MISSING")) {
    return {
      cause: `gateway token missing: the CLI found no token or password for ${target.url} (not in --token, OPENCLAW_GATEWAY_TOKEN, nor gateway.auth.token in ${configPath})${started(gatewaySource)}.`,
      next: "Pass --token <token>, export OPENCLAW_GATEWAY_TOKEN=<token>, or store it: `clawgate config set gateway.auth.token <token>` (the token the gateway runs with).",
    };
  }
  // With --url and --token the user chose both; the gateway's own refusal text says enough.
  if ((detail === "AUTH_TOKEN_MISMATCH" || detail === "AUTH_PASSWORD_MISMATCH") && target.urlSource !== "flag") {
    const what = detail === "AUTH_TOKEN_MISMATCH" ? "token" : "password";
    const from = target.secretSource ? ` (from ${target.secretSource})` : "";
    const restart = gatewaySource === "--token" || gatewaySource === "--password" || gatewaySource === "generated"
      ? "Restart it so it uses the configured secret (`clawgate gateway restart` drops the flag), or pass the same value with --" + what + "."
      : gatewaySource === "OPENCLAW_GATEWAY_TOKEN" || gatewaySource === "OPENCLAW_GATEWAY_PASSWORD"
        ? `Export the gateway's ${gatewaySource} here, or restart the gateway from a shell whose ${gatewaySource} matches (\`clawgate gateway restart\`).`
        : `Use the ${what} the gateway was started with (--${what}, or OPENCLAW_GATEWAY_${what.toUpperCase()} in its environment), or restart it with this config's ${what}: \`clawgate gateway restart\`.`;
    return {
      cause: `the gateway at ${target.url} is running but refuses the ${what} this CLI sends${from}${started(gatewaySource)}.`,
      next: restart,
    };
  }
  return undefined;
}

/** The local gateway's recorded secret source, when the target is this machine's gateway. */
export function localSecretSource(target: Target, profile: string | undefined): string | undefined {
  if (target.urlSource !== "local") return undefined;
  const lock = readLock(currentPaths(profile).stateDir);
  return lock && isLive(lock) ? lock.secretSource : undefined;
}
