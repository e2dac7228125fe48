/**
 * `--help` texts, rendered from the verb table (verbs.ts): the top-level
 * list, a group's subcommands, and one verb's usage and flags.
 */
import type { FlagTable } from "./args.ts";
import { GLOBAL_FLAGS, groupVerbs, VERBS, type Verb } from "./verbs.ts";

/** "cron rm|remove|delete <id>". */
function usageOf(verb: Verb): string {
  const words = [verb.name + (verb.aliases ? `|${verb.aliases.join("|")}` : "")];
  if (verb.args) words.push(verb.args);
  return `clawgate ${words.join(" ")} [options]`;
}

function flagLines(flags: FlagTable): string {
  const rows = Object.entries(flags).map(([name, f]) => [`${f.short ? `-${f.short}, ` : ""}--${name}${f.value ? ` ${f.value}` : ""}`, f.help] as const);
  const width = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, h]) => `  ${k.padEnd(width)}  ${h}`).join("\n");
}

function commandLines(verbs: readonly Verb[], strip = ""): string {
  const names = verbs.map((v) => v.name.slice(strip.length) + (v.aliases ? `|${v.aliases.join("|")}` : ""));
  const width = Math.max(...names.map((n) => n.length));
  return verbs.map((v, i) => `  ${names[i]!.padEnd(width)}  ${v.summary}`).join("\n");
}

/** The top-level help. */
export function topHelp(version: string): string {
  return `clawgate ${version}: a drop-in OpenClaw Gateway

Usage: clawgate <command> [options]

Commands:
${commandLines(VERBS)}

Global options:
${flagLines(GLOBAL_FLAGS)}

Run \`clawgate <command> --help\` for a command's options.
`;
}

/** `clawgate cron --help`, or undefined when `group` has no subcommands. */
export function groupHelp(group: string): string | undefined {
  const verbs = groupVerbs(group);
  if (verbs.length === 0) return undefined;
  return `Usage: clawgate ${group} <command> [options]\n\nCommands:\n${commandLines(verbs, `${group} `)}\n\nRun \`clawgate ${group} <command> --help\` for its options.\n`;
}

/** One verb's help. */
export function verbHelp(verb: Verb): string {
  return `Usage: ${usageOf(verb)}\n\n${verb.summary}\n\nOptions:\n${flagLines(verb.flags)}\n\nGlobal: --profile <name>, --dev, --no-color, -h/--help\n`;
}
