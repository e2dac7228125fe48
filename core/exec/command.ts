/**
 * Splits a shell command line into the simple commands an allowlist can judge
 * (upstream: "every pipeline segment", chains of `;`, `&&`, `||`). Anything
 * the shell would expand or redirect before choosing what to run (command
 * substitution, variables, globs in the command word, redirections,
 * subshells, background `&`) makes the line unanalyzable, which the policy
 * treats as an allowlist miss, never as a match. Runtime-agnostic.
 */

/** One simple command: its words after quote removal. */
export type Segment = string[];

const OPERATORS = ["&&", "||", ";", "|", "\n"];

/** The segments of `line`, or undefined when the shell could run something this cannot see. */
export function splitCommand(line: string): Segment[] | undefined {
  const segments: Segment[] = [];
  let words: string[] = [];
  let word = "";
  let inWord = false;
  let i = 0;
  const endWord = () => {
    if (inWord) words.push(word);
    word = "";
    inWord = false;
  };
  const endSegment = (): boolean => {
    endWord();
    if (words.length === 0) return false;
    segments.push(words);
    words = [];
    return true;
  };
  while (i < line.length) {
    const c = line[i]!;
    const op = OPERATORS.find((o) => line.startsWith(o, i));
    if (op) {
      // `a ; ; b` or a line starting with an operator is a syntax error for the shell: not analyzable.
      if (!endSegment() && op !== "\n") return undefined;
      i += op.length;
      continue;
    }
    if (c === " " || c === "\t") {
      endWord();
      i++;
      continue;
    }
    if ("<>&()`$*?[]{}~#".includes(c) && !(c === "~" && inWord) && !(c === "#" && inWord)) return undefined;
    if (c === "\\") {
      if (i + 1 >= line.length) return undefined;
      word += line[i + 1];
      inWord = true;
      i += 2;
      continue;
    }
    if (c === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) return undefined;
      word += line.slice(i + 1, end);
      inWord = true;
      i = end + 1;
      continue;
    }
    if (c === '"') {
      let j = i + 1;
      for (; j < line.length && line[j] !== '"'; j++) {
        const d = line[j]!;
        // Inside double quotes the shell still expands $ and `, and \ escapes a few characters.
        if (d === "$" || d === "`") return undefined;
        if (d === "\\" && j + 1 < line.length && '"\\$`\n'.includes(line[j + 1]!)) {
          word += line[j + 1];
          j++;
        } else word += d;
      }
      if (j >= line.length) return undefined;
      inWord = true;
      i = j + 1;
      continue;
    }
    word += c;
    inWord = true;
    i++;
  }
  endSegment();
  return segments.length > 0 ? segments : undefined;
}
