import "server-only";
import { db } from "../../db";
import type { CacheStore } from "../../plugins/cache/types";
import { readManifest, type Manifest } from "../../plugins/sync/manifest";
import { firstLine } from "../../errors";
import { logLine, type SyncLogLine } from "../../plugins/log-line";

/**
 * The newest complete generation in this cache (the active one first), for the next sync to build on: its sets
 * are reused when unchanged and kept as last good copies. A candidate whose manifest cannot be read is skipped
 * with a WARN line saying why (the next one is tried; with none left the sync fetches everything). Null if none.
 * `active`: it is the active generation (a sync finding the same content makes no new one).
 */
export async function findBaseGeneration(
  cache: CacheStore,
  log: (level: "warn", line: SyncLogLine) => void,
): Promise<{ id: number; manifest: Manifest; active: boolean } | null> {
  const candidates = await (await db()).generation.findMany({
    where: { status: { in: ["active", "ready"] }, cacheLocation: cache.location },
    orderBy: { id: "desc" },
    take: 10,
  });
  candidates.sort((a, b) => Number(b.status === "active") - Number(a.status === "active") || b.id - a.id);
  for (const g of candidates) {
    try {
      return { id: g.id, manifest: await readManifest(cache, g.id), active: g.status === "active" };
    } catch (err) {
      log("warn", logLine("baseUnreadable", { id: g.id, location: cache.location, reason: firstLine(err) }));
    }
  }
  return null;
}
