import { writeFileSync } from "node:fs";
import { InvalidArchiveError, readSetArchive } from "../cache/set-archive";
import { archiveKey, objectKey, type CacheStore } from "../cache/types";
import { eachLimited } from "../each-limited";
import { isSafeRelativePath } from "../safe-path";
import type { SetEntry } from "../sync/manifest";
import { IO_CONCURRENCY, sha256 } from "./local-copy";
import { fileIn } from "./paths";

/** A content problem of one set (missing archive or object, digest mismatch, a bad entry): the set fails, the others load. */
export class SetProblem extends Error {}

export const messageOf = (err: unknown) => (err instanceof Error ? err.message : String(err)).split("\n")[0].slice(0, 300);

/**
 * Writes a set's files from the cache into `dir` (whose sub-directories exist), each checked against the
 * manifest's sha256 and size before it is written. Throws SetProblem for anything the cache holds wrongly; other
 * errors are the local disk's. The set's archive is one read; a set of a generation written before archives is
 * read object by object.
 */
export function writeSetFiles(cache: CacheStore, entry: SetEntry, dir: string): Promise<void> {
  return entry.archive ? fromArchive(cache, entry, entry.archive, dir) : fromObjects(cache, entry, dir);
}

/** Reads one cache key; a failure to read is the set's problem (the manifest was readable, so the cache is up). */
async function read(cache: CacheStore, key: string, what: string): Promise<Buffer> {
  const body = await cache.getIfExists(key).catch((err) => {
    throw new SetProblem(`${what}: cannot be read from the cache (${messageOf(err)})`);
  });
  if (!body) throw new SetProblem(`${what}: missing in the cache (${key})`);
  return body;
}

/**
 * The archive must be the one the manifest names (sha256 and size), and then hold exactly the listed files:
 * regular files only, names that are safe relative paths (lib/plugins/safe-path), each once, each with its listed
 * sha256 and size, none missing. The archive digest alone would do for an archive this code wrote; the entries are
 * checked anyway because the manifest's file list is what the set's marker and later local checks rely on.
 */
async function fromArchive(cache: CacheStore, entry: SetEntry, ref: NonNullable<SetEntry["archive"]>, dir: string): Promise<void> {
  const key = archiveKey(ref.sha256);
  const archive = await read(cache, key, "the set's archive");
  if (archive.length !== ref.size || sha256(archive) !== ref.sha256) throw new SetProblem(`the set's archive does not match the manifest (${key})`);
  const listed = new Map(entry.files.map((f) => [f.path, f]));
  const seen = new Set<string>();
  await readSetArchive(archive, ({ name, type, body }) => {
    if (type !== "file") throw new SetProblem(`the archive holds a ${type} entry ${JSON.stringify(name)}`);
    if (!isSafeRelativePath(name)) throw new SetProblem(`unsafe entry name ${JSON.stringify(name)} in the archive`);
    const f = listed.get(name);
    if (!f) throw new SetProblem(`${name}: in the archive but not in the manifest`);
    if (seen.has(name)) throw new SetProblem(`${name}: twice in the archive`);
    seen.add(name);
    if (sha256(body) !== f.sha256) throw new SetProblem(`${name}: sha256 mismatch in the archive`);
    if (body.length !== f.size) throw new SetProblem(`${name}: size mismatch (${body.length} bytes in the archive, ${f.size} in the manifest)`);
    writeFileSync(fileIn(dir, name), body, { flag: "wx" });
  }).catch((err: unknown) => {
    throw err instanceof InvalidArchiveError ? new SetProblem(`the set's archive is ${err.message}`) : err;
  });
  const missing = entry.files.find((f) => !seen.has(f.path));
  if (missing) throw new SetProblem(`${missing.path}: missing in the archive (${key})`);
}

async function fromObjects(cache: CacheStore, entry: SetEntry, dir: string): Promise<void> {
  await eachLimited(entry.files, IO_CONCURRENCY, async (f) => {
    const key = objectKey(f.sha256);
    const body = await read(cache, key, f.path);
    if (sha256(body) !== f.sha256) throw new SetProblem(`${f.path}: sha256 mismatch in the cache (${key})`);
    if (body.length !== f.size) throw new SetProblem(`${f.path}: size mismatch (${body.length} bytes in the cache, ${f.size} in the manifest)`);
    writeFileSync(fileIn(dir, f.path), body, { flag: "wx" });
  });
}
