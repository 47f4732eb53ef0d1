import "server-only";
import { db } from "../../db";

export interface SourceSyncTimes {
  /** When the last finished (non-dry) run that synced the source ended, whatever started it. */
  lastAttemptAt: string | null;
  /** When the last such run in which the source did not fail ended. */
  lastSuccessAt: string | null;
}

/**
 * Last attempt and last success per source name, from the run history (scheduled, manual, API, CLI runs alike), for
 * the sources list and page. `names` narrows it to some sources.
 */
export async function findSyncTimes(names?: string[]): Promise<Map<string, SourceSyncTimes>> {
  const prisma = await db();
  const where = { run: { dryRun: false, finishedAt: { not: null } }, ...(names ? { sourceName: { in: names } } : {}) };
  const latest = (extra: object) =>
    prisma.syncSourceResult.findMany({
      where: { ...where, ...extra },
      orderBy: { run: { startedAt: "desc" } },
      distinct: ["sourceName"],
      select: { sourceName: true, run: { select: { finishedAt: true } } },
    });
  const [attempts, successes] = await Promise.all([latest({}), latest({ status: { not: "failed" } })]);
  const out = new Map<string, SourceSyncTimes>();
  for (const a of attempts) out.set(a.sourceName, { lastAttemptAt: a.run.finishedAt!.toISOString(), lastSuccessAt: null });
  for (const s of successes) out.get(s.sourceName)!.lastSuccessAt = s.run.finishedAt!.toISOString();
  return out;
}
