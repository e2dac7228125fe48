/**
 * splitCommand: the simple commands of a shell line an allowlist can judge;
 * anything the shell would expand, redirect or run in the background first
 * leaves the line unanalyzable (undefined), never wrongly split.
 */
import { describe, expect, test } from "bun:test";
import { splitCommand } from "../../../core/exec/command.ts";

describe("splitCommand", () => {
  test("chains and pipelines -> one segment per simple command, quotes removed", () => {
    expect(splitCommand("ls -la")).toEqual([["ls", "-la"]]);
    expect(splitCommand("git status && git diff --stat | head -5; echo 'a b' \"c d\" e\\ f")).toEqual([
      ["git", "status"], ["git", "diff", "--stat"], ["head", "-5"], ["echo", "a b", "c d", "e f"],
    ]);
    expect(splitCommand("uname -a || true\nid")).toEqual([["uname", "-a"], ["true"], ["id"]]);
    expect(splitCommand("echo ''")).toEqual([["echo", ""]]);
  });

  test("expansion, redirection, subshells, background and broken syntax -> undefined", () => {
    for (const line of [
      "echo $(whoami)", "echo `id`", "echo $HOME", 'echo "$HOME"', "cat < /etc/passwd", "echo x > f", "sleep 1 &",
      "(cd /; ls)", "ls *.ts", "rm -rf ~", "echo {a,b}", "echo 'unterminated", 'echo "open', "a && && b", "| ls", "echo \\", "",
    ]) expect([line, splitCommand(line)]).toEqual([line, undefined]);
  });
});
