import { createHash } from "node:crypto";
import tar from "tar-stream";
import { packSet, readSetArchive, tarBytes } from "../cache/set-archive";
import { archiveKey, manifestKey, objectKey, type CacheStore } from "../cache/types";
import type { Manifest, SetEntry } from "../sync/manifest";

const sha256 = (b: Buffer) => createHash("sha256").update(b).digest("hex");

export type ArchivedFile = { path: string; body: Buffer };

/** The entries of a set's archive in the cache, as stored. */
export async function archiveFiles(cache: CacheStore, entry: SetEntry): Promise<ArchivedFile[]> {
  if (!entry.archive) throw new Error(`${entry.source}/${entry.submodule} has no archive`);
  const files: ArchivedFile[] = [];
  await readSetArchive(await cache.get(archiveKey(entry.archive.sha256)), (e) => void files.push({ path: e.name, body: e.body }));
  return files;
}

/** Stores `archive` under its own content address; returns what a manifest entry records for it. */
export async function putArchive(cache: CacheStore, archive: Buffer): Promise<NonNullable<SetEntry["archive"]>> {
  const ref = { sha256: sha256(archive), size: archive.length };
  await cache.put(archiveKey(ref.sha256), archive);
  return ref;
}

/** A tar of arbitrary entries (links, odd names, duplicates): what a hostile cache could hold. */
export async function rawTar(entries: { name: string; type?: "file" | "symlink" | "directory"; linkname?: string; body?: string }[]): Promise<Buffer> {
  const pack = tar.pack();
  for (const e of entries) {
    if (e.type && e.type !== "file") pack.entry({ name: e.name, type: e.type, linkname: e.linkname });
    else pack.entry({ name: e.name }, e.body ?? "");
  }
  pack.finalize();
  return tarBytes(pack);
}

/** Replaces the set's archive IN PLACE (same key, so it no longer matches the manifest) with `files` packed. */
export async function tamperArchive(cache: CacheStore, entry: SetEntry, edit: (files: ArchivedFile[]) => ArchivedFile[]): Promise<void> {
  await cache.put(archiveKey(entry.archive!.sha256), await packSet(edit(await archiveFiles(cache, entry))));
}

/**
 * Writes `manifest` as generation `generation` in the format before set archives: every file as its own
 * `objects/` entry, set entries without `archive` (what an upgrade finds in the cache).
 */
export async function writeObjectFormat(cache: CacheStore, manifest: Manifest, generation: number): Promise<Manifest> {
  const sets: SetEntry[] = [];
  for (const entry of manifest.sets) {
    if (entry.archive) for (const f of await archiveFiles(cache, entry)) await cache.put(objectKey(sha256(f.body)), f.body);
    const { archive: _archive, ...old } = entry;
    sets.push(old);
  }
  const out: Manifest = { ...manifest, generation, sets };
  await cache.put(manifestKey(generation), Buffer.from(JSON.stringify(out)));
  return out;
}
