import "server-only";
import { db } from "../../db";
import { firstLine } from "../../errors";
import { CacheOwnedError } from "../../plugins/cache/owner";
import { manifestKey, type CacheStore } from "../../plugins/cache/types";
import { defaultCachePath } from "../cache/cache-config";
import { openOwnCache } from "../cache/check-cache-owner";
import type { RuntimeStatus } from "./status";

/** The admin banner while the served generation's files are the local copy because the cache cannot be reached. */
export const CACHE_UNREACHABLE = "the cache is unreachable: serving the verified local copy";

/** The store the polls ask, kept while the configuration is the same (an S3 client per poll would pile up sockets). */
let probe: { key: string; cache: CacheStore } | null = null;
async function probeCache(): Promise<CacheStore> {
  const row = await (await db()).cacheConfig.findUnique({ where: { id: 1 } });
  const key = row ? `${row.updatedAt.toISOString()}:${JSON.stringify(row.settings)}` : `default:${defaultCachePath()}`;
  if (probe?.key !== key) probe = { key, cache: await openOwnCache(row) };
  return probe.cache;
}

/**
 * At each poll that finds the served generation still active: one cheap request to the cache (does it hold the
 * manifest?) so the status, and the banner on the plugins page, follow the cache's state at every poll rather than
 * only when a new generation is loaded. Said in the log when the state changes, not at every poll.
 */
export async function followCache(
  generation: number,
  status: RuntimeStatus,
  log: (level: "info" | "warn", line: string) => void,
): Promise<Pick<RuntimeStatus, "origin" | "problem">> {
  let cache: CacheStore;
  try {
    cache = await probeCache();
  } catch (err) {
    // Another install's location: what this instance serves is its local copy, and the banner says why.
    const problem = err instanceof CacheOwnedError ? err.message : null;
    if (status.problem !== problem) log("warn", `cannot check the cache: ${firstLine(err)}`);
    return problem ? { origin: "local", problem } : { origin: status.origin, problem: status.problem };
  }
  let down: string | null = null;
  try {
    await cache.has(manifestKey(generation));
  } catch (err) {
    down = firstLine(err);
  }
  const wasDown = status.problem === CACHE_UNREACHABLE;
  if (down && !wasDown) log("warn", `the cache is unreachable (${down}); serving the verified local copy of generation ${generation}`);
  if (!down && wasDown) log("info", `the cache is reachable again; generation ${generation} is served as the cache holds it`);
  if (down) return { origin: "local", problem: CACHE_UNREACHABLE };
  return { origin: "cache", problem: wasDown ? null : status.problem };
}
