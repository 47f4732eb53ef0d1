import { createHash } from "node:crypto";
import { readSetArchive } from "../cache/set-archive";
import { archiveKey, objectKey, type CacheStore } from "../cache/types";
import type { Manifest } from "../sync/manifest";

const sha256 = (b: Buffer) => createHash("sha256").update(b).digest("hex");

/**
 * Problems found when checking a generation's files against its manifest: missing archives or objects, wrong
 * digests, entries of an archive that differ from the set's file list.
 */
export async function verifyGeneration(cache: CacheStore, manifest: Manifest): Promise<string[]> {
  const problems: string[] = [];
  for (const set of manifest.sets) {
    const at = `${set.source}/${set.submodule}`;
    if (set.archive) {
      const body = await cache.getIfExists(archiveKey(set.archive.sha256));
      if (!body) problems.push(`${at}: archive missing`);
      else if (body.length !== set.archive.size || sha256(body) !== set.archive.sha256) problems.push(`${at}: archive does not match the manifest`);
      else {
        const found = new Map<string, string>();
        await readSetArchive(body, (e) => void found.set(e.name, e.type === "file" ? `${e.body.length}:${sha256(e.body)}` : e.type));
        const listed = new Map(set.files.map((f) => [f.path, `${f.size}:${f.sha256}`]));
        for (const [name, what] of found) if (listed.get(name) !== what) problems.push(`${at}/${name}: in the archive, not as listed`);
        for (const name of listed.keys()) if (!found.has(name)) problems.push(`${at}/${name}: missing from the archive`);
      }
      continue;
    }
    for (const file of set.files) {
      const body = await cache.getIfExists(objectKey(file.sha256));
      if (!body) problems.push(`${at}/${file.path}: missing`);
      else if (body.length !== file.size || sha256(body) !== file.sha256) problems.push(`${at}/${file.path}: content does not match the manifest`);
    }
  }
  return problems;
}
