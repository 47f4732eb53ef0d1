import "server-only";
import type { PrismaClient } from "@prisma/client";
import { env } from "../../env";

/**
 * The sync lease: one row, taken with one atomic UPDATE that succeeds only when nobody holds it or the holder's
 * lease expired (its process died or hung). The holder renews it while it works. Works the same on PostgreSQL
 * (shared by all instances) and the embedded DB.
 */

export interface TakenLease {
  /** The run that held the expired lease we took over (to be marked failed), if any. */
  previousRunId: string | null;
}

export async function acquireLease(prisma: PrismaClient, holder: string, ttlMs = env.leaseTtlMs()): Promise<TakenLease | null> {
  const rows = await prisma.$queryRaw<{ previous: string | null }[]>`
    UPDATE "SyncLease" AS l
       SET "holder" = ${holder}, "runId" = NULL, "expiresAt" = now() + make_interval(secs => ${ttlMs / 1000}::float8)
      FROM (SELECT "runId" AS previous FROM "SyncLease" WHERE "id" = 1 FOR UPDATE) AS p
     WHERE l."id" = 1 AND (l."holder" IS NULL OR l."expiresAt" < now())
 RETURNING p.previous`;
  return rows.length ? { previousRunId: rows[0].previous } : null;
}

/** Records which run the lease covers, and extends it; false if the lease was lost (taken over). */
export async function renewLease(prisma: Pick<PrismaClient, "$executeRaw">, holder: string, runId: string | null, ttlMs = env.leaseTtlMs()): Promise<boolean> {
  const n = await prisma.$executeRaw`
    UPDATE "SyncLease" SET "runId" = ${runId}, "expiresAt" = now() + make_interval(secs => ${ttlMs / 1000}::float8)
     WHERE "id" = 1 AND "holder" = ${holder}`;
  return n === 1;
}

export async function releaseLease(prisma: PrismaClient, holder: string): Promise<void> {
  await prisma.$executeRaw`UPDATE "SyncLease" SET "holder" = NULL, "runId" = NULL, "expiresAt" = now() WHERE "id" = 1 AND "holder" = ${holder}`;
}

/**
 * The run of the lease's current holder, for "busy" answers. A holder records its run just after taking the lease,
 * so a null run means it is starting: asked again every `everyMs`, up to `tries` times. Null when it is still
 * starting then (or the lease was released meanwhile).
 */
export async function waitForLeaseRun(prisma: PrismaClient, tries = 40, everyMs = 50): Promise<string | null> {
  for (let i = 0; i < tries; i++) {
    const lease = await prisma.syncLease.findUnique({ where: { id: 1 } });
    if (lease?.runId || !lease?.holder) return lease?.runId ?? null;
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
  return null;
}
