// The wire format between the server and a plugin host: length-prefixed frames (4-byte big-endian length, then the
// value in V8's structured-clone serialisation) over the host's fd 3. Plain ESM JavaScript, node built-ins only,
// because the host (a confined child process) imports this same file: one codec for both ends.
//
// Why not Node's `ipc` channel: it reads every message whole, whatever its size, so a hostile host could make the
// server buffer hundreds of megabytes. Here the reader checks the declared length before buffering anything.
import v8 from "node:v8";

const HEADER = 4;

/** One value as a frame. */
export function encodeFrame(value) {
  const body = v8.serialize(value);
  const frame = Buffer.allocUnsafe(HEADER + body.length);
  frame.writeUInt32BE(body.length, 0);
  body.copy(frame, HEADER);
  return frame;
}

export class FrameTooLargeError extends Error {
  constructor(size, max) {
    super(`a message of ${size} bytes, over the ${max}-byte limit`);
    this.name = "FrameTooLargeError";
    this.size = size;
  }
}

/**
 * Splits a byte stream into values. `push` returns the values completed by `chunk`; it throws FrameTooLargeError
 * as soon as a frame announces more than `maxBytes` (nothing of it is kept), and whatever v8.deserialize throws for
 * a malformed body.
 */
export class FrameReader {
  constructor(maxBytes) {
    this.maxBytes = maxBytes;
    this.chunks = [];
    this.buffered = 0;
    this.need = -1;
  }

  push(chunk) {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    const out = [];
    for (;;) {
      if (this.need < 0) {
        if (this.buffered < HEADER) break;
        const head = this.take(HEADER);
        this.need = head.readUInt32BE(0);
        if (this.need > this.maxBytes) {
          const size = this.need;
          this.chunks = [];
          this.buffered = 0;
          throw new FrameTooLargeError(size, this.maxBytes);
        }
      }
      if (this.buffered < this.need) break;
      const body = this.take(this.need);
      this.need = -1;
      out.push(v8.deserialize(body));
    }
    return out;
  }

  take(n) {
    const all = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks, this.buffered);
    const head = all.subarray(0, n);
    const rest = all.subarray(n);
    this.chunks = rest.length ? [rest] : [];
    this.buffered = rest.length;
    return head;
  }
}
