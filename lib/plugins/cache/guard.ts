import type { CacheStore } from "./types";

/** The cache failed (unreachable, refused, out of space): the cache's problem, never a plugin set's. */
export class CacheUnavailableError extends Error {
  constructor(location: string, cause: unknown) {
    super(`the cache ${location} is unreachable (${(cause instanceof Error ? cause.message : String(cause)).split("\n")[0].slice(0, 300)})`, { cause });
    this.name = "CacheUnavailableError";
  }
}

/** A missing key as the stores report it (fs ENOENT, S3 NoSuchKey / 404): an answer, not a failure. */
export function isMissingKey(err: unknown): boolean {
  const e = err as { code?: string; name?: string; $metadata?: { httpStatusCode?: number } };
  return e?.code === "ENOENT" || e?.name === "NoSuchKey" || e?.name === "NotFound" || e?.$metadata?.httpStatusCode === 404;
}

/**
 * The store with every failure turned into CacheUnavailableError (a missing key stays what it is), so a sync that
 * loses the cache midway says so, rather than blaming the set whose files it was writing.
 */
export function guardCache(store: CacheStore): CacheStore {
  const guard =
    (fn: (...args: unknown[]) => Promise<unknown>) =>
    async (...args: unknown[]): Promise<unknown> => {
      try {
        return await fn(...args);
      } catch (err) {
        if (err instanceof CacheUnavailableError || isMissingKey(err)) throw err;
        throw new CacheUnavailableError(store.location, err);
      }
    };
  // Every method, whatever the interface grows to; the stores are plain objects of functions.
  const entries = Object.entries(store).map(([k, v]) => [k, typeof v === "function" ? guard(v.bind(store) as (...args: unknown[]) => Promise<unknown>) : v]);
  return Object.fromEntries(entries) as unknown as CacheStore;
}
