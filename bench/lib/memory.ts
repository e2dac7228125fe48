/**
 * Reading a process's resident memory the same way in every bench, from a
 * defined page-cache state.
 */
import { closeSync, fsyncSync, openSync, readFileSync } from "node:fs";

/** VmRSS, RssAnon (private) and RssFile (mapped executable pages) of a live process, in MB. */
export function memory(pid: number): { rss: number; anon: number; file: number } {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (key: string) => {
    const line = status.split("\n").find((l) => l.startsWith(key));
    if (!line) throw new Error(`no ${key} for pid ${pid}`);
    return Number(/\d+/.exec(line)![0]) / 1024;
  };
  return { rss: kb("VmRSS:"), anon: kb("RssAnon:"), file: kb("RssFile:") };
}

/**
 * Drops `path` from the page cache (fsync, then `dd iflag=nocache`, which is
 * posix_fadvise DONTNEED), so the next process maps the executable as after a
 * reboot. Why, before every RSS reading: a file the kernel has just written
 * (npm ci's bun.exe, a binary built a second earlier) sits in the cache in
 * large folios, and a page fault then maps the whole folio: the same gateway
 * showed 41 MB RSS on a fresh copy of its binary and 36 MB once the copy had
 * been read back from disk (kernel 6.18 here).
 */
export async function dropFromPageCache(path: string): Promise<void> {
  const fd = openSync(path, "r");
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  const dd = Bun.spawn(["dd", `if=${path}`, "iflag=nocache", "count=0", "status=none"], { stderr: "pipe" });
  if ((await dd.exited) !== 0) throw new Error(`dd could not drop ${path} from the page cache: ${await new Response(dd.stderr).text()}`);
}
