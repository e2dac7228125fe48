/**
 * The `clawgate` command line: OpenClaw's verbs and flags.
 */
import { parseArgs } from "node:util";
import { profileProblem } from "../../core/config/paths.ts";
import { adoptDotenv } from "../config-env.ts";
import type { Platform } from "../platform.ts";
import { currentPaths } from "../state.ts";
import { VERSION } from "../version.ts";
import { COMMAND_OPTIONS, commandHelp, commandUsages, dispatchCommand } from "./commands.ts";
import { EXIT, fail } from "./output.ts";

const HELP = `clawgate ${VERSION}: a drop-in OpenClaw Gateway

Usage:
${commandUsages().join("\n")}
  clawgate gateway discover [--json] [--timeout MS]
  clawgate devices list|approve [requestId] [--latest]|reject <requestId>|remove <deviceId> [--json] [connection flags]
  clawgate devices rename --device <id> --name <label> | rotate --device <id> --role <role> [--scope S]... [--no-scopes] | revoke --device <id> --role <role>
  clawgate pairing list [channel] | approve [channel] <code> [--notify] | deny [channel] <code>  [--channel C] [--account A] [--json]

Global flags:
  --profile NAME   use ~/.openclaw-NAME (isolated state and port)
  --dev            profile "dev" (port 19001)
  --help, -h       show this help
  --version, -V    print the version
`;

const OPTIONS = {
  port: { type: "string" },
  bind: { type: "string" },
  token: { type: "string" },
  password: { type: "string" },
  "password-file": { type: "string" },
  auth: { type: "string" },
  url: { type: "string" },
  params: { type: "string" },
  timeout: { type: "string" },
  "expect-final": { type: "boolean" },
  json: { type: "boolean" },
  profile: { type: "string" },
  dev: { type: "boolean" },
  verbose: { type: "boolean" },
  latest: { type: "boolean" },
  device: { type: "string" },
  role: { type: "string" },
  name: { type: "string" },
  scope: { type: "string", multiple: true },
  "no-scopes": { type: "boolean" },
  channel: { type: "string" },
  account: { type: "string" },
  notify: { type: "boolean" },
  "allow-unconfigured": { type: "boolean" },
  ...COMMAND_OPTIONS,
  help: { type: "boolean", short: "h" },
  version: { type: "boolean", short: "V" },
} as const;

function intFlag(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a non-negative integer, got "${value}"`);
  return n;
}

/** Runs one command on `platform` (the runtime that started it); resolves with the exit code. */
export async function main(argv: string[], platform: Platform): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    return fail((error as Error).message, EXIT.usage, "Run `clawgate --help` for usage.");
  }
  const { values: v, positionals } = parsed;
  if (v.version) {
    process.stdout.write(`clawgate ${VERSION}\n`);
    return EXIT.ok;
  }
  const [group, verb, ...rest] = positionals;
  const verbHelp = v.help ? commandHelp(positionals) : undefined;
  if (verbHelp) {
    process.stdout.write(verbHelp);
    return EXIT.ok;
  }
  if (v.help || !group) {
    process.stdout.write(HELP);
    return v.help ? EXIT.ok : EXIT.usage;
  }
  let port: number | undefined;
  let timeout: number | undefined;
  try {
    port = intFlag(v.port, "port");
    timeout = intFlag(v.timeout, "timeout");
  } catch (error) {
    return fail((error as Error).message, EXIT.usage);
  }
  const profile = v.profile ?? (v.dev ? "dev" : undefined);
  const badProfile = profile ? profileProblem(profile) : undefined;
  if (badProfile) return fail(badProfile, EXIT.usage);
  const target = { url: v.url, token: v.token, password: v.password, port, profile, timeout };
  // §11: process env > ./.env > <stateDir>/.env, for every verb.
  adoptDotenv(currentPaths(profile).stateDir);
  const handled = await dispatchCommand(positionals, v, { platform, profile, port, timeout });
  if (handled !== undefined) return handled;

  if (group === "gateway") {
    switch (verb) {
      case "discover":
        return (await import("./gateway-discover.ts")).gatewayDiscover({ json: v.json, timeoutMs: timeout });
    }
  }
  if (group === "devices") {
    return (await import("./devices.ts")).devicesCommand(verb, rest, { ...target, json: v.json, latest: v.latest, device: v.device, role: v.role, name: v.name, scope: v.scope, noScopes: v["no-scopes"] });
  }
  if (group === "pairing") return (await import("./pairing.ts")).pairingCommand(verb, rest, { ...target, json: v.json, channel: v.channel, account: v.account, notify: v.notify });
  return fail(`unknown command: ${positionals.join(" ")}`, EXIT.usage, "Run `clawgate --help` for usage.");
}
