/**
 * The linked session's credentials as Baileys reads and writes them (its multi-file layout: `creds.json` plus one
 * file per signal key), but private: every file 0600, written atomically, in a 0700 directory
 * (`<stateDir>/credentials/whatsapp/<accountId>/` as upstream). Baileys' own useMultiFileAuthState writes 0644.
 */
import { existsSync, readFileSync, rmSync, unlinkSync } from "node:fs";
import { join } from "node:path";
import { ensurePrivateDir, writePrivateFile } from "../../state.ts";
import type { AuthCreds, AuthState, BaileysModule } from "./baileys-types.ts";

/** The account's credentials directory. */
export function authDirFor(stateDir: string, accountId: string, configured?: string): string {
  return configured ?? join(stateDir, "credentials", "whatsapp", accountId);
}

const fileName = (name: string) => name.replace(/\//g, "__").replace(/:/g, "-");

/** The linked identity in `creds.json`, if the session is linked. */
export function readSelf(authDir: string): { jid: string; lid?: string; name?: string } | undefined {
  try {
    const creds = JSON.parse(readFileSync(join(authDir, "creds.json"), "utf8")) as AuthCreds;
    return creds.me?.id ? { jid: creds.me.id, ...(creds.me.lid ? { lid: creds.me.lid } : {}), ...(creds.me.name ? { name: creds.me.name } : {}) } : undefined;
  } catch {
    return undefined;
  }
}

/** Removes the credentials directory; true when there was one. */
export function clearAuthDir(authDir: string): boolean {
  if (!existsSync(authDir)) return false;
  rmSync(authDir, { recursive: true, force: true });
  return true;
}

/** Opens (or starts) the auth state in `authDir`; `saveCreds` persists `state.creds`. */
export function openAuthState(authDir: string, baileys: Pick<BaileysModule, "initAuthCreds" | "BufferJSON" | "proto">): { state: AuthState; saveCreds: () => void } {
  ensurePrivateDir(authDir);
  const read = (name: string): unknown => {
    try {
      return JSON.parse(readFileSync(join(authDir, fileName(name)), "utf8"), baileys.BufferJSON.reviver);
    } catch {
      return null;
    }
  };
  const write = (name: string, value: unknown) => writePrivateFile(join(authDir, fileName(name)), JSON.stringify(value, baileys.BufferJSON.replacer));
  const creds = (read("creds.json") as AuthCreds | null) ?? baileys.initAuthCreds();
  const state: AuthState = {
    creds,
    keys: {
      async get(type, ids) {
        const out: Record<string, unknown> = {};
        for (const id of ids) {
          let value = read(`${type}-${id}.json`);
          if (type === "app-state-sync-key" && value) value = baileys.proto.Message.AppStateSyncKeyData.fromObject(value);
          out[id] = value;
        }
        return out;
      },
      async set(data) {
        for (const [category, entries] of Object.entries(data)) {
          for (const [id, value] of Object.entries(entries)) {
            const name = `${category}-${id}.json`;
            if (value) write(name, value);
            else if (existsSync(join(authDir, fileName(name)))) unlinkSync(join(authDir, fileName(name)));
          }
        }
      },
    },
  };
  return { state, saveCreds: () => write("creds.json", state.creds) };
}
