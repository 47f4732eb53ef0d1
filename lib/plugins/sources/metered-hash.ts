import { createHash } from "node:crypto";
import { Transform } from "node:stream";

/**
 * A pass-through stream that counts every chunk against a budget (`count` throws when a limit is passed, which
 * fails the pipeline) and hashes what passes: the digest of the bytes written is known without reading them back.
 * `pass: false` swallows the bytes (hash and count only).
 */
export function meteredHash(count: (bytes: number) => void, pass = true): Transform & { result(): { sha256: string; size: number } } {
  const hash = createHash("sha256");
  let size = 0;
  const tap = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      try {
        count(chunk.length);
      } catch (e) {
        return cb(e as Error);
      }
      size += chunk.length;
      hash.update(chunk);
      cb(null, pass ? chunk : undefined);
    },
  });
  return Object.assign(tap, { result: () => ({ sha256: hash.digest("hex"), size }) });
}
