import "server-only";
import type { PrismaClient } from "@prisma/client";
import { db } from "../../db";
import { env } from "../../env";
import { firstLine } from "../../errors";
import { logger } from "../../log";
import { firstDueAt, nextDelayMs } from "./next-delay";
import { startSync, SyncBusyError } from "./start-sync";

/**
 * Scheduled syncs: a source with an interval is synced alone (a run with `only: [name]`) when it is due. Every
 * instance ticks; a due time is CLAIMED with one compare-and-set UPDATE on the source's nextSyncAt, so across all
 * instances on one database exactly one claims it, and the run then needs the sync lease like any other sync. A
 * busy lease (a sync already running) gives the time back for a retry shortly; a failed sync backs off
 * exponentially, capped; a success resets the count. Times come from an injected clock (tests run a fake one).
 */

export { BACKOFF_CAP_MS, nextDelayMs } from "./next-delay";
/** When the lease was busy: try again this much later (not a failure). */
export const BUSY_RETRY_MS = 60_000;

export interface SchedulerDeps {
  prisma?: PrismaClient;
  now?: () => Date;
  /** In [0, 1): the jitter's share (tests pass a fixed one). */
  random?: () => number;
  start?: typeof startSync;
}

export interface TickResult {
  /** Sources this instance claimed and started a run for (empty: nothing due, or another instance had them). */
  claimed: string[];
  runId: string | null;
  /** Settles when the run has finished and the sources' schedule state is recorded. */
  done: Promise<void>;
}

/** One pass: arm newly scheduled sources, claim the due ones, run them (one run for all claimed). */
export async function tickScheduler(deps: SchedulerDeps = {}): Promise<TickResult> {
  const prisma = deps.prisma ?? (await db());
  const now = deps.now ?? (() => new Date());
  const random = deps.random ?? Math.random;
  const start = deps.start ?? startSync;
  const at = now();
  const scheduled = { enabled: true, syncIntervalMinutes: { not: null } } as const;

  // Saving a source sets its first due time; a source that has none (given an interval by the sources file, or
  // written before it had one) gets it here, by the same rule.
  for (const row of await prisma.pluginSource.findMany({ where: { ...scheduled, nextSyncAt: null }, select: { id: true, syncIntervalMinutes: true } })) {
    await prisma.pluginSource.updateMany({ where: { id: row.id, nextSyncAt: null }, data: { nextSyncAt: firstDueAt(row.syncIntervalMinutes, at, random) } });
  }

  const due = await prisma.pluginSource.findMany({ where: { ...scheduled, nextSyncAt: { lte: at } }, orderBy: { name: "asc" } });
  const claimed = await claimDue(prisma, due, at, random);
  if (!claimed.length) return { claimed: [], runId: null, done: Promise.resolve() };
  const names = claimed.map((r) => r.name);
  const ids = claimed.map((r) => r.id);

  let started;
  try {
    started = await start({ trigger: "schedule", actor: "system:schedule", only: names, activate: true });
  } catch (err) {
    if (err instanceof SyncBusyError) {
      await prisma.pluginSource.updateMany({ where: { id: { in: ids } }, data: { nextSyncAt: new Date(at.getTime() + BUSY_RETRY_MS) } });
      logger.info(`scheduled sync of ${names.join(", ")} postponed: ${err.line}`);
      return { claimed: [], runId: null, done: Promise.resolve() };
    }
    await recordOutcome(prisma, claimed, null, at, random, firstLine(err));
    return { claimed: names, runId: null, done: Promise.resolve() };
  }
  await prisma.pluginSource.updateMany({ where: { id: { in: ids } }, data: { lastAttemptAt: at } });
  const done = started.done.then(async (outcome) => {
    const failed = new Set(outcome ? outcome.results.filter((r) => r.status === "failed").map((r) => r.name) : names);
    await recordOutcome(prisma, claimed, failed, now(), random);
  });
  return { claimed: names, runId: started.runId, done };
}

type DueRow = { id: string; name: string; syncIntervalMinutes: number | null; syncFailures: number; nextSyncAt: Date | null };

/**
 * Claims the due times read in `due` (read before, maybe by every instance at once): the compare-and-set moves a
 * source's nextSyncAt on only while it still holds the value read, so of all instances exactly one claims each.
 */
export async function claimDue<T extends DueRow>(prisma: PrismaClient, due: T[], at: Date, random: () => number): Promise<T[]> {
  const claimed: T[] = [];
  for (const row of due) {
    const next = new Date(at.getTime() + nextDelayMs(row.syncIntervalMinutes ?? 1, 0, random));
    const { count } = await prisma.pluginSource.updateMany({ where: { id: row.id, nextSyncAt: row.nextSyncAt }, data: { nextSyncAt: next } });
    if (count === 1) claimed.push(row);
  }
  return claimed;
}

/** Success resets the failure count; a failure moves the next sync out by the back-off (from the attempt's end). */
async function recordOutcome(
  prisma: PrismaClient,
  rows: DueRow[],
  failed: Set<string> | null,
  at: Date,
  random: () => number,
  error?: string,
): Promise<void> {
  for (const row of rows) {
    if (failed && !failed.has(row.name)) {
      await prisma.pluginSource.updateMany({ where: { id: row.id }, data: { lastSuccessAt: at, syncFailures: 0 } });
      continue;
    }
    const failures = row.syncFailures + 1;
    const next = new Date(at.getTime() + nextDelayMs(row.syncIntervalMinutes ?? 1, failures, random));
    await prisma.pluginSource.updateMany({ where: { id: row.id }, data: { lastAttemptAt: failed ? undefined : at, syncFailures: failures, nextSyncAt: next } });
    logger.warn(`scheduled sync of ${row.name} failed${error ? ` (${error})` : ""}; ${failures} failure(s) in a row, next try at ${next.toISOString()}`);
  }
}

const g = globalThis as unknown as { __opsflowScheduler?: NodeJS.Timeout };

/** Starts this instance's scheduler loop (SYNC_SCHEDULER=on, the default); a failing tick is logged, the loop goes on. */
export function startScheduler(): void {
  if (!env.schedulerOn() || g.__opsflowScheduler) return;
  let ticking = false;
  g.__opsflowScheduler = setInterval(() => {
    if (ticking) return;
    ticking = true;
    tickScheduler()
      .then((tick) => tick.done)
      .catch((err: unknown) => logger.error(`scheduled sync tick failed: ${firstLine(err)}`))
      .finally(() => {
        ticking = false;
      });
  }, env.schedulerTickMs());
  g.__opsflowScheduler.unref();
}

export function stopScheduler(): void {
  if (g.__opsflowScheduler) clearInterval(g.__opsflowScheduler);
  g.__opsflowScheduler = undefined;
}
