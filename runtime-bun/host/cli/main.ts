/**
 * The `clawgate` command line: OpenClaw's verbs and flags. Which verb runs,
 * which flags it takes, its help and its handler all come from one table
 * (verbs.ts); this module only parses argv against it and reports misuse.
 */
import { profileProblem } from "../../../core/config/paths.ts";
import { adoptDotenv } from "../config-env.ts";
import type { Platform } from "../platform.ts";
import { currentPaths } from "../state.ts";
import { VERSION } from "../version.ts";
import { readFlags, tokenize, type FlagTable } from "./args.ts";
import { EXIT, fail } from "./output.ts";
import { findVerb, GLOBAL_FLAGS, VERBS } from "./verbs.ts";

/** Flags that take a value under some verb; decides how argv splits before the verb is known. */
const VALUE_FLAGS = new Set<string>();
const SHORTS: Record<string, string> = {};
for (const table of [GLOBAL_FLAGS, ...VERBS.map((v) => v.flags)]) {
  for (const [name, flag] of Object.entries(table)) {
    if (flag.type === "string") VALUE_FLAGS.add(name);
    if (flag.short) SHORTS[flag.short] = name;
  }
}

/** How many positionals a verb's usage names ("[channel] <code>" -> 2). */
const argCount = (args: string | undefined) => (args ? args.split(" ").length : 0);

/** Runs one command on `platform` (the runtime that started it); resolves with the exit code. */
export async function main(argv: string[], platform: Platform): Promise<number> {
  const first = tokenize(argv, (name) => VALUE_FLAGS.has(name), SHORTS);
  const asked = (name: string) => first.flags.some((f) => f.name === name);
  if (asked("version")) {
    process.stdout.write(`clawgate ${VERSION}\n`);
    return EXIT.ok;
  }
  const { positionals } = first;
  // Help texts load only when asked for: `gateway run` never carries them.
  const help = () => import("./help.ts");
  if (positionals.length === 0) {
    process.stdout.write((await help()).topHelp(VERSION));
    return asked("help") ? EXIT.ok : EXIT.usage;
  }
  const found = findVerb(positionals);
  if (!found) {
    const [group, sub] = positionals;
    const text = (await help()).groupHelp(group!);
    if (text && (sub === undefined || asked("help"))) {
      process.stdout.write(text);
      return asked("help") ? EXIT.ok : EXIT.usage;
    }
    if (text) return fail(`clawgate ${group} has no command "${sub}".`, EXIT.usage, `Try: clawgate ${group} --help`);
    return fail(`unknown command: ${positionals.join(" ")}`, EXIT.usage, "Run `clawgate --help` for usage.");
  }
  const { verb, words } = found;
  const table: FlagTable = { ...GLOBAL_FLAGS, ...verb.flags };
  // Split again with this verb's own flags: the same name may take a value under one verb only.
  const tokens = tokenize(argv, (name) => table[name]?.type === "string", SHORTS);
  if (tokens.flags.some((f) => f.name === "help")) {
    process.stdout.write((await help()).verbHelp(verb));
    return EXIT.ok;
  }
  const hint = `Try: clawgate ${verb.name} --help`;
  const read = readFlags(tokens.flags, table);
  if ("error" in read) return fail(read.unknown ? `clawgate ${read.error} for \`${verb.name}\`.` : read.error, EXIT.usage, hint);
  const args = tokens.positionals.slice(words);
  if (args.length > (verb.maxArgs ?? argCount(verb.args))) return fail(`Too many arguments for this command (unexpected "${args[argCount(verb.args)]}").`, EXIT.usage, hint);
  const v = read.values;
  const profile = (v.profile as string | undefined) ?? (v.dev ? "dev" : undefined);
  const badProfile = profile ? profileProblem(profile) : undefined;
  if (badProfile) return fail(badProfile, EXIT.usage);
  // §11: process env > ./.env > <stateDir>/.env, for every verb.
  adoptDotenv(currentPaths(profile).stateDir);
  const target = { url: v.url as string | undefined, token: v.token as string | undefined, password: v.password as string | undefined, port: v.port as number | undefined, profile, timeout: v.timeout as number | undefined };
  return verb.run({ args, v, platform, profile, target });
}
