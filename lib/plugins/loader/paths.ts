import { createHash } from "node:crypto";
import path from "node:path";
import { isSafeRelativePath } from "../safe-path";
import type { Manifest, SetEntry } from "../sync/manifest";

/**
 * Where a materialised generation lives under the runtime root, and the checks that keep a manifest's names from
 * pointing anywhere else:
 *
 *   <runtimeRoot>/g<nnnnnnnn>/manifest.json
 *   <runtimeRoot>/g<nnnnnnnn>/sets/<source>/<submodule>/<file path>   the set's files, exactly as listed
 *   <runtimeRoot>/g<nnnnnnnn>/sets/<source>/<submodule>.verified      marker with the set's digest, written last
 *   <runtimeRoot>/g<nnnnnnnn>/sets/<source>/<submodule>.tmp-<hex>/    a set being written (renamed into place)
 *
 * <source> and <submodule> are each ONE path segment (see `segment`): a nested submodule ("a/b") cannot end up
 * inside another set's directory ("a"), and since a segment never contains ".", neither a marker nor a temp
 * directory can collide with a set directory.
 */

export const GENERATION_DIR = /^g\d{8}$/;
export const generationDirName = (generation: number) => `g${String(generation).padStart(8, "0")}`;

/** One file-name segment for a source or submodule name; injective, never "." / "..", never contains "." or "/". */
export const segment = (name: string) => encodeURIComponent(name).replace(/\./g, "%2E");

/** The directory of a set's files inside a generation directory. */
export const setDirOf = (generationDir: string, set: { source: string; submodule: string }) =>
  path.join(generationDir, "sets", segment(set.source), segment(set.submodule));

/** An absolute path for a manifest path below `dir` (call only after isSafeRelativePath). */
export const fileIn = (dir: string, rel: string) => path.join(dir, ...rel.split("/"));

/**
 * Why a set entry cannot be materialised safely, or null. Checks every name that becomes a path (source,
 * submodule, files, module files) and that modules and plugins refer to what the entry lists.
 */
export function unsafeEntryReason(entry: SetEntry): string | null {
  if (!isSafeRelativePath(entry.source) || entry.source.includes("/")) return `unsafe source name ${JSON.stringify(entry.source)} in the manifest`;
  if (!isSafeRelativePath(entry.submodule)) return `unsafe submodule ${JSON.stringify(entry.submodule)} in the manifest`;
  const files = new Set<string>();
  for (const f of entry.files) {
    if (!isSafeRelativePath(f.path)) return `unsafe file path ${JSON.stringify(f.path)} in the manifest`;
    if (files.has(f.path)) return `file ${JSON.stringify(f.path)} is listed twice in the manifest`;
    files.add(f.path);
  }
  // "a" as a file and "a/b" as another file cannot both exist on disk.
  for (const p of files) {
    const segs = p.split("/");
    for (let i = 1; i < segs.length; i++) {
      const parent = segs.slice(0, i).join("/");
      if (files.has(parent)) return `file ${JSON.stringify(parent)} is also a directory of ${JSON.stringify(p)} in the manifest`;
    }
  }
  const modules = new Set<string>();
  for (const m of entry.modules) {
    if (!isSafeRelativePath(m.file)) return `unsafe module file ${JSON.stringify(m.file)} in the manifest`;
    if (!files.has(m.file)) return `module file ${JSON.stringify(m.file)} is not among the set's files`;
    modules.add(m.entry);
  }
  for (const p of entry.plugins) {
    if (!modules.has(p.module)) return `plugin ${p.code}@${p.version} names module ${JSON.stringify(p.module)}, which the set does not list`;
  }
  return null;
}

/** Sets that appear more than once (same source + submodule): the second and later copies. */
export function duplicateEntries(manifest: Manifest): Set<SetEntry> {
  const seen = new Set<string>();
  const dups = new Set<SetEntry>();
  for (const e of manifest.sets) {
    const k = `${segment(e.source)}/${segment(e.submodule)}`;
    if (seen.has(k)) dups.add(e);
    seen.add(k);
  }
  return dups;
}

/** The set's digest, stored in its `.verified` marker: its names and every file's path, size and sha256. */
export function setDigest(entry: SetEntry): string {
  const files = [...entry.files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)).map((f) => [f.path, f.size, f.sha256]);
  return createHash("sha256").update(JSON.stringify([entry.source, entry.submodule, files])).digest("hex");
}
