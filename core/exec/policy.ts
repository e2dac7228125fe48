/**
 * The exec tool's policy, as upstream derives it: `tools.exec.mode` (per
 * agent, then global) gives the requested security and ask; the host
 * approvals document can only tighten them (lower security, more asking);
 * a per-call `ask` can only harden. An allowlist decision needs every
 * segment of the command to match an allowlist entry or a safe bin.
 * Runtime-agnostic.
 */
import type { AllowlistEntry, ExecAsk, ExecSecurity } from "../approvals/document.ts";
import type { Segment } from "./command.ts";

export type ExecMode = "deny" | "allowlist" | "ask" | "full";

/**
 * Clawgate's default `tools.exec.mode` (upstream's is `full`): the model's
 * shell commands on the gateway host wait for an operator's approval unless
 * allowlisted; with no operator connected they are denied (askFallback).
 * README and `clawgate doctor` say so.
 */
export const DEFAULT_EXEC_MODE: ExecMode = "ask";

/** Upstream's table of modes (docs/tools/exec.md "Modes"). */
export const MODES: Record<ExecMode, { security: ExecSecurity; ask: ExecAsk }> = {
  deny: { security: "deny", ask: "off" },
  allowlist: { security: "allowlist", ask: "off" },
  ask: { security: "allowlist", ask: "on-miss" },
  full: { security: "full", ask: "off" },
};

const SECURITY_RANK: Record<ExecSecurity, number> = { deny: 0, allowlist: 1, full: 2 };
const ASK_RANK: Record<ExecAsk, number> = { off: 0, "on-miss": 1, always: 2 };

/** The stricter of two security levels. */
export function minSecurity(a: ExecSecurity, b: ExecSecurity): ExecSecurity {
  return SECURITY_RANK[a] <= SECURITY_RANK[b] ? a : b;
}

/** The more asking of two ask modes. */
export function maxAsk(a: ExecAsk, b: ExecAsk): ExecAsk {
  return ASK_RANK[a] >= ASK_RANK[b] ? a : b;
}

/** One segment as the allowlist judged it. */
export interface JudgedSegment {
  argv: string[];
  /** The binary the shell would run, when found on PATH (or given as a path). */
  resolvedPath?: string;
  /** What matched: an allowlist entry's pattern, or `safeBin`. */
  matchedBy?: string;
}

/** What the allowlist check needs from its surroundings. */
export interface AllowlistContext {
  allowlist: readonly AllowlistEntry[];
  safeBins: readonly string[];
  /** Finds a bare command name on the exec PATH. */
  which(name: string): string | undefined;
  home?: string;
  cwd: string;
}

/** Upstream's trusted directories for safe bins (`tools.exec.safeBinTrustedDirs` default). */
const SAFE_BIN_DIRS = ["/bin", "/usr/bin"];

/** Glob to RegExp: `**` crosses `/`, `*` and `?` do not; a leading `~` is the home directory. */
export function globRegExp(pattern: string, home: string | undefined): RegExp {
  const expanded = home && (pattern === "~" || pattern.startsWith("~/")) ? home + pattern.slice(1) : pattern;
  let re = "";
  for (let i = 0; i < expanded.length; i++) {
    const c = expanded[i]!;
    if (c === "*" && expanded[i + 1] === "*") {
      re += ".*";
      i++;
    } else if (c === "*") re += "[^/]*";
    else if (c === "?") re += "[^/]";
    else re += c.replace(/[.+^${}()|[\]\\]/g, "\\$&");
  }
  return new RegExp(`^${re}$`);
}

/** An exact-argv pattern for an allow-always entry (upstream matches `argPattern` against the args joined by spaces). */
export function exactArgPattern(args: readonly string[]): string {
  return `^${args.join(" ").replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`;
}

function entryMatches(entry: AllowlistEntry, seg: JudgedSegment, ctx: AllowlistContext): boolean {
  const pattern = entry.pattern.trim();
  const command = seg.argv[0]!;
  // A bare-name pattern matches only commands run through PATH (upstream: `rg` is not `./rg`).
  const subject = pattern.includes("/") ? seg.resolvedPath : command.includes("/") ? undefined : command;
  if (!subject || !globRegExp(pattern, ctx.home).test(subject)) return false;
  if (entry.argPattern === undefined) return true;
  try {
    return new RegExp(entry.argPattern).test(seg.argv.slice(1).join(" "));
  } catch {
    return false;
  }
}

/** A stdin-only filter: a listed bin from a trusted directory with no operands that could name a file. */
function isSafeBin(seg: JudgedSegment, ctx: AllowlistContext): boolean {
  const command = seg.argv[0]!;
  if (command.includes("/") || !ctx.safeBins.includes(command) || command === "jq") return false;
  const dir = seg.resolvedPath?.slice(0, seg.resolvedPath.lastIndexOf("/"));
  if (!dir || !SAFE_BIN_DIRS.includes(dir)) return false;
  return seg.argv.slice(1).every((a) => a.startsWith("-") && !a.includes("/") && !a.includes("="));
}

/** Judges every segment; `satisfied` when each one matched. */
export function judge(segments: readonly Segment[], ctx: AllowlistContext): { satisfied: boolean; segments: JudgedSegment[] } {
  const judged = segments.map((argv): JudgedSegment => {
    const command = argv[0]!;
    const resolvedPath = command.includes("/") ? (command.startsWith("/") ? command : `${ctx.cwd}/${command}`) : ctx.which(command);
    const seg: JudgedSegment = { argv, resolvedPath };
    // `NAME=value cmd` changes what runs (PATH=...): never a match.
    if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(command)) return seg;
    const entry = ctx.allowlist.find((e) => entryMatches(e, seg, ctx));
    if (entry) seg.matchedBy = entry.pattern;
    else if (isSafeBin(seg, ctx)) seg.matchedBy = "safeBin";
    return seg;
  });
  return { satisfied: judged.every((s) => s.matchedBy !== undefined), segments: judged };
}
