import "server-only";
import { db } from "../../db";
import { env } from "../../env";
import { CONTENT_PREFIXES, manifestKey, type CacheStore } from "../../plugins/cache/types";
import { contentKeysOf, readManifest } from "../../plugins/sync/manifest";

/**
 * Deletes generations beyond the active one, the newest `keep` ready ones (SYNC_KEEP_GENERATIONS), the newest one
 * a successful or partial run built (the last good one, whatever came after it), and those a running process run
 * is pinned to: their manifests first (so they stop existing), then every archive or object no kept manifest
 * references. Returns the ids deleted.
 */
export async function collectGarbage(cache: CacheStore, keep = env.keepGenerations()): Promise<number[]> {
  const prisma = await db();
  const all = await prisma.generation.findMany({
    where: { cacheLocation: cache.location, status: { in: ["active", "ready"] } },
    orderBy: { id: "desc" },
    include: { run: { select: { status: true } } },
  });
  const ready = all.filter((g) => g.status === "ready");
  // A ready generation whose run is still "running" is the one this run just built (one sync at a time).
  const lastGood = all.find((g) => g.run && ["succeeded", "partial", "running"].includes(g.run.status));
  // A process run in progress is pinned to its generation: its later nodes (on any instance) still load it.
  const pinned = await prisma.processRun.findMany({ where: { status: "running", generation: { not: null } }, distinct: ["generation"], select: { generation: true } });
  const kept = new Set(
    [...all.filter((g) => g.status === "active"), ...ready.slice(0, keep), ...(lastGood ? [lastGood] : [])].map((g) => g.id).concat(pinned.map((r) => r.generation!)),
  );
  const doomed = all.filter((g) => !kept.has(g.id)).map((g) => g.id);
  if (!doomed.length) return [];
  await prisma.generation.updateMany({ where: { id: { in: doomed } }, data: { status: "deleted" } });
  await cache.delete(doomed.map(manifestKey));
  const referenced = new Set<string>();
  for (const { id } of all.filter((g) => kept.has(g.id))) {
    const m = await readManifest(cache, id);
    for (const s of m.sets) for (const k of contentKeysOf(s)) referenced.add(k);
  }
  for (const prefix of CONTENT_PREFIXES) await cache.delete((await cache.list(prefix)).filter((k) => !referenced.has(k)));
  return doomed;
}
