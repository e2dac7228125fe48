/**
 * The oldest Node the fallback runs on: 22.13 is the first 22.x with
 * `node:sqlite` unflagged (23.x got it in 23.4), the only SQLite binding the
 * Node shim uses, and Node 20 is past end of life. Checked before anything
 * else loads, so an older Node gets one clear line instead of a stack trace.
 */

export const MIN_NODE = "22.13.0";

/** Why `version` (process.versions.node) cannot run clawgate-node, or undefined when it can. */
export function nodeVersionProblem(version: string): string | undefined {
  const [major = 0, minor = 0] = version.split(".").map(Number);
  const ok = major > 23 || (major === 23 && minor >= 4) || (major === 22 && minor >= 13);
  if (ok) return undefined;
  return `Node ${version} is too old: clawgate-node needs Node >= ${MIN_NODE} (node:sqlite). Install Node 22.13+ or 24 (e.g. \`nvm install 24\`), or run the gateway on Bun: \`npm start\` / \`npx clawgate gateway run\`.`;
}
