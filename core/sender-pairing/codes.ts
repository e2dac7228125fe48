/**
 * Sender pairing codes: eight characters from an alphabet without look-alikes
 * (no 0/O or 1/I), as upstream generates them. Runtime-agnostic (Web Crypto).
 */

/** 32 symbols, so one random byte masked to 5 bits picks one without bias. */
export const CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
export const CODE_LENGTH = 8;

/** A fresh random code. */
export function randomCode(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(CODE_LENGTH));
  let out = "";
  for (const b of bytes) out += CODE_ALPHABET[b & 31];
  return out;
}

/** A code not in `taken`; 40 bits of entropy make a second draw rare. */
export function uniqueCode(taken: ReadonlySet<string>): string {
  for (;;) {
    const code = randomCode();
    if (!taken.has(code)) return code;
  }
}

/** How people type codes: any case, surrounding spaces, an optional dash in the middle. */
export function normalizeCode(input: string): string {
  return input.trim().toUpperCase().replace(/-/g, "");
}
