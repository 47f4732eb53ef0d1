import "server-only";
import { logger } from "../../log";
import { ExpectedError } from "../errors";

/** The largest request body a route handler reads, in bytes. */
export const MAX_BODY_BYTES = 256 * 1024;

/**
 * Reads a JSON request body of at most `limit` bytes. The limit is enforced while the stream is read, whatever
 * Content-Length says (absent with chunked encoding, and a client may lie): at the first byte past it the stream
 * is cancelled and 413 is thrown, so a 400 MiB upload costs no more memory than the limit. A declared length over
 * the limit is refused before reading anything. Bytes that are not UTF-8, or text that is not JSON → 400.
 */
export async function readJsonBody(request: Request, limit = MAX_BODY_BYTES): Promise<unknown> {
  const body = await readRawBody(request, limit);
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(body);
  } catch {
    throw new ExpectedError(400, "errors.malformedJson");
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ExpectedError(400, "errors.malformedJson");
  }
}

/** The request body's bytes, at most `limit` (413 past it, enforced while reading; see readJsonBody). */
export async function readRawBody(request: Request, limit: number): Promise<Buffer> {
  const declared = request.headers.get("content-length");
  if (declared !== null && /^\d+$/.test(declared) && Number(declared) > limit) throw new ExpectedError(413, "errors.tooLarge");
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (request.body) {
    const reader = request.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > limit) {
        // Stop the upload here: nothing past the limit is read into memory.
        await reader.cancel().catch((err: unknown) => logger.debug({ err }, "cancelling an oversized request body failed"));
        throw new ExpectedError(413, "errors.tooLarge");
      }
      chunks.push(value);
    }
  }
  return Buffer.concat(chunks);
}
