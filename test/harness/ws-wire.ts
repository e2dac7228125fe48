/**
 * WebSocket bytes for raw-TCP test clients (RFC 6455): the upgrade request,
 * masked client text and binary frames, and an incremental parser of the
 * server's unmasked frames. For tests that must control exactly what goes out in one
 * write, or stop reading.
 */

/** The HTTP upgrade request for `ws://127.0.0.1:<port>/`, offering `subprotocol` when given. */
export function upgradeRequest(port: number, subprotocol?: string): string {
  const offer = subprotocol ? `Sec-WebSocket-Protocol: ${subprotocol}\r\n` : "";
  return `GET / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n${offer}\r\n`;
}

/** One masked client text frame (RFC 6455 §5.3). */
export function maskedText(text: string): Uint8Array {
  return masked(0x1, new TextEncoder().encode(text));
}

/** One masked client binary frame. */
export function maskedBinary(bytes: Uint8Array): Uint8Array {
  return masked(0x2, bytes);
}

function masked(opcode: number, payload: Uint8Array): Uint8Array {
  const mask = crypto.getRandomValues(new Uint8Array(4));
  const len = payload.length;
  const first = 0x80 | opcode;
  const header = len < 126 ? [first, 0x80 | len] : len < 65536 ? [first, 0x80 | 126, len >> 8, len & 255] : [first, 0x80 | 127, 0, 0, 0, 0, (len >>> 24) & 255, (len >> 16) & 255, (len >> 8) & 255, len & 255];
  const out = new Uint8Array(header.length + 4 + len);
  out.set(header, 0);
  out.set(mask, header.length);
  for (let i = 0; i < len; i++) out[header.length + 4 + i] = payload[i]! ^ mask[i % 4]!;
  return out;
}

/**
 * Incremental parser of what the server sends after `upgradeRequest`: skips
 * the 101 response, decodes text frames, hands binary ones over, records the
 * close frame; other payloads are skipped.
 */
export class ServerFrames {
  onText: (text: string) => void = () => {};
  onBinary: (bytes: Buffer) => void = () => {};
  onClose: (close: { code: number; reason: string }) => void = () => {};
  close?: { code: number; reason: string };
  private upgraded = false;
  private buf: Buffer = Buffer.alloc(0);
  // Chunks of a frame not complete yet, joined once it is (large frames arrive in many reads).
  private parts: Buffer[] = [];
  private partsLength = 0;
  private needed = 0;

  push(chunk: Buffer): void {
    if (this.partsLength + this.buf.length + chunk.length < this.needed) {
      this.parts.push(chunk);
      this.partsLength += chunk.length;
      return;
    }
    this.buf = Buffer.concat([this.buf, ...this.parts, chunk]);
    this.parts = [];
    this.partsLength = 0;
    this.needed = 0;
    if (!this.upgraded) {
      const end = this.buf.indexOf("\r\n\r\n");
      if (end < 0) return;
      this.upgraded = true;
      this.buf = this.buf.subarray(end + 4);
    }
    for (;;) {
      if (this.buf.length < 2) return;
      const opcode = this.buf[0]! & 0x0f;
      let len = this.buf[1]! & 0x7f;
      let offset = 2;
      if (len === 126) {
        if (this.buf.length < 4) return;
        len = this.buf.readUInt16BE(2);
        offset = 4;
      } else if (len === 127) {
        if (this.buf.length < 10) return;
        len = Number(this.buf.readBigUInt64BE(2));
        offset = 10;
      }
      if (this.buf.length < offset + len) {
        this.needed = offset + len;
        return;
      }
      const payload = this.buf.subarray(offset, offset + len);
      this.buf = this.buf.subarray(offset + len);
      if (opcode === 0x1) this.onText(payload.toString("utf8"));
      else if (opcode === 0x2) this.onBinary(payload);
      else if (opcode === 0x8) {
        this.close = { code: payload.length >= 2 ? payload.readUInt16BE(0) : 1005, reason: payload.subarray(2).toString("utf8") };
        this.onClose(this.close);
      }
    }
  }
}
