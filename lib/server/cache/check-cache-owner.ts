import "server-only";
import type { CacheConfig } from "@prisma/client";
import { firstLine } from "../../errors";
import { logger } from "../../log";
import { CacheOwnedError, claimCache } from "../../plugins/cache/owner";
import type { CacheStore } from "../../plugins/cache/types";
import { fieldError } from "../errors";
import { openCache } from "../sync/open-cache";
import { getInstallId } from "./install-id";

/**
 * Saving a cache location that another install owns is refused with a field error on the location (fs: path,
 * S3: prefix). Nothing is written: an unowned location is claimed by the first sync. A location that cannot be
 * read now is saved anyway (the sync checks it again), with a warning.
 */
export async function refuseForeignCache(row: Pick<CacheConfig, "kind" | "settings" | "secret">): Promise<void> {
  const cache = await openCache(row);
  try {
    await claimCache(cache, await getInstallId(), { claim: false });
  } catch (err) {
    if (err instanceof CacheOwnedError) throw fieldError(row.kind === "fs" ? "path" : "prefix", "errors.cacheOwned", { owner: err.owner });
    logger.warn(`could not check which install owns the cache ${cache.location} (${firstLine(err)}); the next sync checks it`);
  }
}

/**
 * The configured cache for reading generations, unless another install owns it (CacheOwnedError): its manifests
 * are that install's, and generation N there is not ours. Only ownership is decided here; a cache that cannot be
 * read now is returned as it is, and the load that reads it next reports that (and serves the local copy).
 */
export async function openOwnCache(row?: Pick<CacheConfig, "kind" | "settings" | "secret"> | null): Promise<CacheStore> {
  const cache = await openCache(row);
  try {
    await claimCache(cache, await getInstallId(), { claim: false });
  } catch (err) {
    if (err instanceof CacheOwnedError) throw err;
  }
  return cache;
}
