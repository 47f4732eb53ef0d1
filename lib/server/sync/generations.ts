import "server-only";
import type { PrismaClient } from "@prisma/client";
import { manifestKey, objectKey, type CacheStore } from "../../plugins/cache/types";
import { readManifest, type Manifest } from "../../plugins/sync/manifest";

/** How many ready generations to keep besides the active one (SYNC_KEEP_GENERATIONS, default 5). */
export const keepGenerations = () => Math.max(1, Number(process.env.SYNC_KEEP_GENERATIONS) || 5);

/** The newest complete generation in this cache (active first), to build the next one on; null if none. */
export async function findBaseGeneration(prisma: PrismaClient, cache: CacheStore): Promise<{ id: number; manifest: Manifest } | null> {
  const candidates = await prisma.generation.findMany({
    where: { status: { in: ["active", "ready"] }, cacheLocation: cache.location },
    orderBy: { id: "desc" },
    take: 10,
  });
  candidates.sort((a, b) => Number(b.status === "active") - Number(a.status === "active") || b.id - a.id);
  for (const g of candidates.slice(0, 1).concat(candidates.filter((c) => c.status !== "active"))) {
    try {
      return { id: g.id, manifest: await readManifest(cache, g.id) };
    } catch {
      // An unreadable manifest is not a base: the next candidate, or a full sync.
    }
  }
  return null;
}

/** Makes `id` the active generation (the previous active one becomes ready: rollback = activate it again). */
export async function activateGeneration(prisma: PrismaClient, id: number): Promise<void> {
  await prisma.$transaction(async (tx) => {
    const g = await tx.generation.findUnique({ where: { id } });
    if (!g || (g.status !== "ready" && g.status !== "active")) throw new Error(`generation ${id} is not ready`);
    await tx.generation.updateMany({ where: { status: "active", id: { not: id } }, data: { status: "ready" } });
    await tx.generation.update({ where: { id }, data: { status: "active", activatedAt: new Date() } });
  });
}

/**
 * Deletes generations beyond the active one and the newest `keep` ready ones: their manifests first (so they stop
 * existing), then every object no kept manifest references. Returns the ids deleted.
 */
export async function collectGarbage(prisma: PrismaClient, cache: CacheStore, keep = keepGenerations()): Promise<number[]> {
  const all = await prisma.generation.findMany({ where: { cacheLocation: cache.location, status: { in: ["active", "ready"] } }, orderBy: { id: "desc" } });
  const ready = all.filter((g) => g.status === "ready");
  // A process run in progress is pinned to its generation: its later nodes (on any instance) still load it.
  const pinned = await prisma.processRun.findMany({ where: { status: "running", generation: { not: null } }, distinct: ["generation"], select: { generation: true } });
  const kept = new Set([...all.filter((g) => g.status === "active"), ...ready.slice(0, keep)].map((g) => g.id).concat(pinned.map((r) => r.generation!)));
  const doomed = all.filter((g) => !kept.has(g.id)).map((g) => g.id);
  if (!doomed.length) return [];
  await prisma.generation.updateMany({ where: { id: { in: doomed } }, data: { status: "deleted" } });
  await cache.delete(doomed.map(manifestKey));
  const referenced = new Set<string>();
  for (const id of kept) {
    const m = await readManifest(cache, id);
    for (const s of m.sets) for (const f of s.files) referenced.add(objectKey(f.sha256));
  }
  const objects = await cache.list("objects/");
  await cache.delete(objects.filter((k) => !referenced.has(k)));
  return doomed;
}
