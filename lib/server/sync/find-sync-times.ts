import "server-only";
import { db } from "../../db";
import { findLastSyncBySource } from "./find-sync-runs";

export interface SourceSyncTimes {
  /** When the last finished (non-dry) run that synced the source ended, whatever started it. */
  lastAttemptAt: string | null;
  /** When the last such run in which the source did not fail ended. */
  lastSuccessAt: string | null;
}

/**
 * Last attempt and last success per source name, from the run history (scheduled, manual, API, CLI runs alike), for
 * the sources list and page. `names` narrows it to some sources; `lastSync` is the last attempts when the caller
 * reads them anyway (the sources list shows them), so the history is not read twice.
 */
export async function findSyncTimes(names?: string[], lastSync?: ReturnType<typeof findLastSyncBySource>): Promise<Map<string, SourceSyncTimes>> {
  const prisma = await db();
  const [attempts, successes] = await Promise.all([
    lastSync ?? findLastSyncBySource(names),
    prisma.syncSourceResult.findMany({
      where: { run: { dryRun: false, finishedAt: { not: null } }, status: { not: "failed" }, ...(names ? { sourceName: { in: names } } : {}) },
      orderBy: { run: { startedAt: "desc" } },
      distinct: ["sourceName"],
      select: { sourceName: true, run: { select: { finishedAt: true } } },
    }),
  ]);
  const out = new Map<string, SourceSyncTimes>();
  for (const [name, last] of attempts) out.set(name, { lastAttemptAt: last.at, lastSuccessAt: null });
  for (const s of successes) out.get(s.sourceName)!.lastSuccessAt = s.run.finishedAt!.toISOString();
  return out;
}
