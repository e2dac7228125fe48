/**
 * The CLI's argv parser: splits argv into positionals and `--flag[=value]`
 * tokens, checks each flag against the running verb's table entry and turns
 * integers into numbers with one parser. Errors are messages for people in
 * upstream's words, never a runtime's raw parser text.
 */

/** How an integer flag is checked: a TCP port, or an integer with a lower bound. */
export type IntRule = { kind: "port"; allowZero?: boolean } | { kind: "int"; min: number; unit?: string; example: number };

/** One flag a verb takes. */
export interface Flag {
  type: "string" | "boolean";
  /** The value's placeholder in help, e.g. "<port>". */
  value?: string;
  help: string;
  multiple?: boolean;
  /** One-letter alias, e.g. "m" for `-m`. */
  short?: string;
  int?: IntRule;
}

/** A verb's flags by long name. */
export type FlagTable = Readonly<Record<string, Flag>>;
/** Parsed flag values: strings, booleans, numbers for integer flags, arrays for repeatable ones. */
export type Values = Record<string, string | boolean | number | string[] | undefined>;

/** Upstream's example port in its range hint (`formatInvalidPortOption`). */
const EXAMPLE_PORT = 18789;

/**
 * The one integer parser: digits only (no "1e3", "0x10", "12abc"), in range.
 * Returns the number or a message naming the flag, the rule and what was given.
 */
export function parseIntFlag(name: string, raw: string, rule: IntRule): number | { error: string } {
  const n = /^\d+$/.test(raw.trim()) ? Number(raw.trim()) : Number.NaN;
  if (rule.kind === "port") {
    const ok = Number.isSafeInteger(n) && n <= 65535 && (n >= 1 || (rule.allowZero === true && n === 0));
    return ok ? n : { error: `Invalid --${name}. Use a port number from 1 to 65535, for example ${EXAMPLE_PORT}.` };
  }
  if (Number.isSafeInteger(n) && n >= rule.min) return n;
  const what = rule.min === 1 ? "a positive integer" : `an integer >= ${rule.min}`;
  return { error: `Invalid --${name}. Use ${what}${rule.unit ? ` (${rule.unit})` : ""}, e.g. --${name} ${rule.example}. Received: ${JSON.stringify(raw)}.` };
}

/** Whether an argument after a flag that takes a value is that value. */
const isValue = (arg: string) => !arg.startsWith("-") || /^-\d/.test(arg);

/** argv split into positionals and flags, before any verb is known. */
export interface Tokens {
  positionals: string[];
  flags: { name: string; value?: string; raw: string }[];
}

/**
 * Tokenises argv. `takesValue(name)` says whether a flag consumes the next
 * argument; a next argument that starts with "-" is not consumed, so a
 * missing value reads as missing, not as the following flag, unless it is a
 * negative number (Telegram's group ids: `--to -1001234567890`). `shorts`
 * maps one-letter aliases to names. Everything after `--` is positional.
 */
export function tokenize(argv: readonly string[], takesValue: (name: string) => boolean, shorts: Readonly<Record<string, string>>): Tokens {
  const positionals: string[] = [];
  const flags: Tokens["flags"] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--") {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (arg.length < 2 || arg[0] !== "-") {
      positionals.push(arg);
      continue;
    }
    let name: string;
    let value: string | undefined;
    if (arg.startsWith("--")) {
      const eq = arg.indexOf("=");
      name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
      if (eq >= 0) value = arg.slice(eq + 1);
    } else {
      // `-m hi` or `-mhi`; a short flag's name is its long name.
      name = shorts[arg[1]!] ?? arg.slice(1);
      if (arg.length > 2 && shorts[arg[1]!]) value = arg.slice(2);
    }
    if (value === undefined && takesValue(name) && i + 1 < argv.length && isValue(argv[i + 1]!)) value = argv[++i];
    flags.push({ name, value, raw: arg });
  }
  return { positionals, flags };
}

/**
 * Checks tokens against `table`: unknown flags, missing or unexpected values,
 * repeated single flags, integers. Resolves to typed values or the first problem.
 */
export function readFlags(tokens: Tokens["flags"], table: FlagTable): { values: Values } | { error: string; unknown?: string } {
  const values: Values = {};
  for (const { name, value, raw } of tokens) {
    const flag = Object.hasOwn(table, name) ? table[name]! : undefined;
    if (!flag) return { error: `does not recognize option "${raw.startsWith("--") ? `--${name}` : raw}"`, unknown: name };
    if (flag.type === "boolean") {
      if (value !== undefined) return { error: `Option "--${name}" takes no value (got "${value}").` };
      values[name] = true;
      continue;
    }
    if (value === undefined) return { error: `Option "--${name} ${flag.value ?? "<value>"}" needs a value.` };
    if (flag.multiple) {
      ((values[name] ??= []) as string[]).push(value);
      continue;
    }
    if (values[name] !== undefined) return { error: `Option "--${name}" was given more than once.` };
    if (flag.int) {
      const n = parseIntFlag(name, value, flag.int);
      if (typeof n !== "number") return n;
      values[name] = n;
    } else values[name] = value;
  }
  return { values };
}
