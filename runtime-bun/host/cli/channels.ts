/**
 * `clawgate channels status [--probe] [--json]`: the gateway's
 * `channels.status`, in `openclaw channels status`' lines. clawgate has no
 * chat channel adapters yet, so a reachable gateway reports none configured.
 */
import { EXIT, printJson } from "./output.ts";
import { report, rpc, type CommandFlags } from "./rpc-command.ts";

export interface ChannelsStatusFlags extends CommandFlags {
  probe?: boolean;
  channel?: string;
}

interface ChannelsStatus {
  channelOrder: string[];
  channelLabels: Record<string, string>;
}

/** Prints whether the gateway answers and which channels it runs. */
export async function channelsStatus(flags: ChannelsStatusFlags): Promise<number> {
  const channel = flags.channel?.trim().toLowerCase();
  // As upstream: the label stands in for a spinner when stderr is not a terminal.
  if (!flags.json && !process.stderr.isTTY) process.stdout.write(flags.probe ? "Checking channel status (probe)…\n" : "Checking channel status…\n");
  const params = { probe: flags.probe === true, ...(flags.timeout ? { timeoutMs: flags.timeout } : {}), ...(channel && channel !== "all" ? { channel } : {}) };
  const result = await rpc<ChannelsStatus>(flags, "channels.status", params);
  if (!result.ok) return report(flags, result.failure);
  if (flags.json) {
    printJson(result.payload);
    return EXIT.ok;
  }
  const { channelOrder, channelLabels } = result.payload;
  const lines = ["Gateway reachable."];
  if (channelOrder.length === 0) lines.push("- no configured chat channels (clawgate has no chat channel adapters yet)");
  for (const id of channelOrder) lines.push(`- ${channelLabels[id] ?? id}`);
  lines.push("", "Tip: `clawgate health` prints the gateway's own health probes.");
  process.stdout.write(lines.join("\n") + "\n");
  return EXIT.ok;
}
