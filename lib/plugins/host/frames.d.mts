/** Types of frames.mjs (shared with the plugin hosts, which run it as plain JavaScript). */
export function encodeFrame(value: unknown): Buffer;
export class FrameTooLargeError extends Error {
  readonly size: number;
  constructor(size: number, max: number);
}
export class FrameReader {
  constructor(maxBytes: number);
  push(chunk: Buffer): unknown[];
}
