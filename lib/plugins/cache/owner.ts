import { z } from "zod";
import type { CacheStore } from "./types";

/**
 * One install per cache location. Two installs (two databases) writing to one bucket + prefix would number their
 * generations independently and overwrite each other's manifests: an instance then serves the other install's
 * generation, verified, since the files match the manifest it read. The location's first user records its install
 * id in `install.json` with a create-only put; every sync checks it, and any other install is refused.
 */
export const OWNER_KEY = "install.json";

const ZOwner = z.object({ installId: z.string().min(1), createdAt: z.string().optional() });

/** The cache location belongs to another install. */
export class CacheOwnedError extends Error {
  constructor(
    readonly location: string,
    readonly owner: string,
    readonly installId: string,
  ) {
    super(`the cache ${location} belongs to another Opsflow install (${owner}); this install (${installId}) needs a cache location of its own`);
    this.name = "CacheOwnedError";
  }
}

/** The install id recorded at the cache's root; null when the location is unowned (new, or written before ids). */
export async function readCacheOwner(cache: CacheStore): Promise<string | null> {
  const body = await cache.getIfExists(OWNER_KEY);
  if (!body) return null;
  let parsed;
  try {
    parsed = ZOwner.safeParse(JSON.parse(body.toString("utf8")));
  } catch {
    parsed = null;
  }
  if (!parsed?.success) throw new Error(`the cache ${cache.location} has an unreadable ${OWNER_KEY}; it may belong to another install, so it is not used`);
  return parsed.data.installId;
}

/**
 * Throws CacheOwnedError unless the cache belongs to `installId`. An unowned cache is claimed for it (unless
 * `claim: false`, for checks that must not write); of two installs claiming at once exactly one wins.
 */
export async function claimCache(cache: CacheStore, installId: string, opts: { claim?: boolean } = {}): Promise<void> {
  // A 409 from S3 (another create-only put in flight) leaves the key unwritten for a moment: read again.
  for (let attempt = 0; attempt < 5; attempt++) {
    const owner = await readCacheOwner(cache);
    if (owner === installId) return;
    if (owner !== null) throw new CacheOwnedError(cache.location, owner, installId);
    if (opts.claim === false) return;
    const body = Buffer.from(`${JSON.stringify({ installId, createdAt: new Date().toISOString() }, null, 1)}\n`);
    if (await cache.putIfAbsent(OWNER_KEY, body)) return;
  }
  throw new Error(`the cache ${cache.location}: ${OWNER_KEY} could not be written or read`);
}
