/**
 * Request bodies with limits enforced while they stream in, not after: a
 * declared or streamed size past `maxBytes`, or a body still unfinished after
 * `timeoutMs`, stops the read (upstream's readRequestBodyWithLimit, whose
 * endpoints map the two to 413 and 408), and JSON bodies read that way.
 * Runtime-agnostic.
 */

export type BodyLimitCode = "PAYLOAD_TOO_LARGE" | "REQUEST_BODY_TIMEOUT";

/** Upstream's status and text for each limit (http-body's defaults). */
export const BODY_LIMIT_RESPONSE: Record<BodyLimitCode, { status: 408 | 413; message: string }> = {
  PAYLOAD_TOO_LARGE: { status: 413, message: "Payload too large" },
  REQUEST_BODY_TIMEOUT: { status: 408, message: "Request body timeout" },
};

export class BodyLimitError extends Error {
  constructor(readonly code: BodyLimitCode) {
    super(code);
  }
}

/** The whole body as text. */
export async function readLimitedBody(req: Request, limits: { maxBytes: number; timeoutMs: number }): Promise<string> {
  const declared = Number(req.headers.get("content-length") ?? "0");
  if (declared > limits.maxBytes) throw new BodyLimitError("PAYLOAD_TOO_LARGE");
  if (!req.body) return "";
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = req.body.getReader();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new BodyLimitError("REQUEST_BODY_TIMEOUT")), limits.timeoutMs);
  });
  try {
    for (;;) {
      const { value, done } = await Promise.race([reader.read(), expired]);
      if (done) break;
      size += value.byteLength;
      if (size > limits.maxBytes) throw new BodyLimitError("PAYLOAD_TOO_LARGE");
      chunks.push(value);
    }
  } catch (error) {
    await reader.cancel().catch(() => {});
    throw error;
  } finally {
    clearTimeout(timer);
  }
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    bytes.set(c, at);
    at += c.byteLength;
  }
  return new TextDecoder().decode(bytes);
}

/** A JSON body: its value, or why it was refused (a limit, or the parser's message). */
export type JsonBody = { ok: true; value: unknown } | { ok: false; code: BodyLimitCode | "INVALID_JSON"; status: 400 | 408 | 413; message: string };

/** The body read within the limits and parsed as JSON; an empty body is `{}` (upstream's emptyObjectOnEmpty). */
export async function readJsonBody(req: Request, limits: { maxBytes: number; timeoutMs: number }): Promise<JsonBody> {
  let text: string;
  try {
    text = (await readLimitedBody(req, limits)).trim();
  } catch (error) {
    if (!(error instanceof BodyLimitError)) throw error;
    return { ok: false, code: error.code, ...BODY_LIMIT_RESPONSE[error.code] };
  }
  if (text === "") return { ok: true, value: {} };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return { ok: false, code: "INVALID_JSON", status: 400, message: error instanceof Error ? error.message : "invalid JSON" };
  }
}
