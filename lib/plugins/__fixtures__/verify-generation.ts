import { createHash } from "node:crypto";
import { objectKey, type CacheStore } from "../cache/types";
import type { Manifest } from "../sync/manifest";

/** Problems found when checking a generation's files against its manifest: missing objects, wrong digests. */
export async function verifyGeneration(cache: CacheStore, manifest: Manifest): Promise<string[]> {
  const problems: string[] = [];
  for (const set of manifest.sets) {
    for (const file of set.files) {
      const body = await cache.getIfExists(objectKey(file.sha256));
      if (!body) problems.push(`${set.source}/${set.submodule}/${file.path}: missing`);
      else if (body.length !== file.size || createHash("sha256").update(body).digest("hex") !== file.sha256) {
        problems.push(`${set.source}/${set.submodule}/${file.path}: content does not match the manifest`);
      }
    }
  }
  return problems;
}
