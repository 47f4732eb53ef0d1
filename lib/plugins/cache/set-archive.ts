import tar from "tar-stream";

/**
 * A plugin set's files as ONE cache object: an uncompressed tar (tar-stream), stored content-addressed under
 * archiveKey(sha256). One object per set version keeps a sync's writes and an activation's reads O(sets) — one
 * request per file made a 10,000-file source take 53 s into S3 (issue 15). Plugin code is small text that S3 and
 * the disk store as well uncompressed, and a plain tar is read without inflating.
 *
 * Deterministic: entries sorted by path (code-unit order), regular files only (directories are implied by the
 * paths), fixed mtime (epoch), mode 0644, owner 0/0 without names. The same files always give the same bytes, so
 * an unchanged set has the same sha256 as before and is not uploaded again.
 */

const FIXED = { type: "file", mode: 0o644, mtime: new Date(0), uid: 0, gid: 0, uname: "", gname: "" } as const;

/** The archive of `files` (paths relative to the set's directory, POSIX separators). */
export async function packSet(files: readonly { path: string; body: Buffer }[]): Promise<Buffer> {
  const sorted = [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const pack = tar.pack();
  for (const f of sorted) pack.entry({ ...FIXED, name: f.path, size: f.body.length }, f.body);
  pack.finalize();
  return tarBytes(pack);
}

/** The bytes of a finalized tar-stream pack. */
export async function tarBytes(pack: tar.Pack): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of pack) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** The bytes are not a (complete) tar archive. */
export class InvalidArchiveError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InvalidArchiveError";
  }
}

export interface ArchiveEntry {
  /** The entry's name as stored: NOT checked here (the caller holds it against the manifest and safe-path). */
  name: string;
  /** tar-stream's type: "file", "directory", "symlink", … */
  type: string;
  body: Buffer;
}

/**
 * Calls `each` for every entry of `archive`, in order. A malformed or truncated archive is an InvalidArchiveError;
 * an error thrown by `each` stops the reading and is rethrown as it is. (tar-stream's event API: its async
 * iterator cost about 1.5× the CPU per entry.)
 */
export function readSetArchive(archive: Buffer, each: (entry: ArchiveEntry) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const extract = tar.extract();
    let own: { error: unknown } | undefined;
    // Resolved only when no entry is being read: "finish" is about the bytes written, not the entries' handlers.
    let reading = false;
    let finished = false;
    const settle = () => finished && !reading && !own && resolve();
    extract.on("entry", (header, stream, next) => {
      reading = true;
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: unknown) => void chunks.push(chunk as Buffer));
      stream.on("end", () => {
        try {
          each({ name: header.name, type: header.type, body: Buffer.concat(chunks) });
        } catch (error) {
          own = { error };
          reject(error);
          extract.destroy();
          return;
        }
        reading = false;
        next();
        settle();
      });
    });
    extract.on("finish", () => {
      finished = true;
      settle();
    });
    extract.on("error", (err: Error) => reject(own ? own.error : new InvalidArchiveError(`not a valid tar archive (${err.message})`)));
    extract.end(archive);
  });
}
