import "server-only";
import { db } from "../../db";
import { translator, type Locale } from "../../i18n";
import { downstreamOf } from "../../processes/run-plan";
import { enqueueNodes, wakeWorkers } from "../jobs/queue";
import { sql } from "../jobs/sql";

/**
 * What happens in a run after one of its nodes ended, whichever instance ran it. Every step is a conditional write
 * (a node moves on only from the status it is expected to have), so two instances finishing nodes of one run at
 * the same moment neither enqueue a node twice nor leave the run unfinished.
 */

/**
 * After a node succeeded: enqueue each node after it (`next`) whose upstream nodes in the run have all succeeded,
 * claiming it from pending in the same statement that checks that (so of two instances finishing its two parents
 * at once, exactly one enqueues it), in the transaction that inserts its job. Returns how many were enqueued.
 */
export async function enqueueReadyAfter(runId: string, next: string[]): Promise<number> {
  if (!next.length) return 0;
  const claimed = await (await sql()).transaction(async (query) => {
    // Upstream nodes of a "Test node" run are not in it: only the rows that exist count.
    const { rows } = await query(
      `UPDATE "ProcessRunNode" c SET "status" = 'queued'
       WHERE c."runId" = $1 AND c."nodeId" = ANY($2::text[]) AND c."status" = 'pending'
         AND NOT EXISTS (SELECT 1 FROM "ProcessRunNode" u WHERE u."runId" = $1 AND u."nodeId" = ANY(c."upstream") AND u."status" <> 'succeeded')
       RETURNING c."nodeId", c."retries"`,
      [runId, next],
    );
    const ready = rows as { nodeId: string; retries: number }[];
    await enqueueNodes(query, ready.map((r) => ({ runId, nodeId: r.nodeId, retries: r.retries })));
    return ready.length;
  });
  if (claimed) wakeWorkers();
  return claimed;
}

/** After `nodeId` failed for good: every node downstream of it that has not started is skipped, naming it. */
export async function skipDownstream(runId: string, nodeId: string, locale: Locale): Promise<void> {
  const prisma = await db();
  const rows = await prisma.processRunNode.findMany({ where: { runId }, select: { nodeId: true, next: true } });
  const next = new Map(rows.map((r) => [r.nodeId, r.next]));
  const doomed = downstreamOf((id) => next.get(id) ?? [], nodeId);
  if (!doomed.length) return;
  const error = translator(locale)("editor.runView.skipped", { node: nodeId });
  await prisma.processRunNode.updateMany({ where: { runId, nodeId: { in: doomed }, status: "pending" }, data: { status: "skipped", error, finishedAt: new Date() } });
}

/**
 * Ends the run once none of its nodes is pending, queued or running: failed when a node failed or was skipped,
 * else succeeded. One statement, so of two instances finishing the last two nodes at once, the later one ends it.
 */
export async function finishRunIfDone(runId: string): Promise<boolean> {
  const rows = await (await sql()).query(
    `UPDATE "ProcessRun" SET
       "status" = CASE WHEN EXISTS (SELECT 1 FROM "ProcessRunNode" WHERE "runId" = $1 AND "status" IN ('failed', 'skipped', 'cancelled'))
                  THEN 'failed'::"ProcessRunStatus" ELSE 'succeeded'::"ProcessRunStatus" END,
       "finishedAt" = (now() AT TIME ZONE 'UTC')
     WHERE "id" = $1 AND "status" = 'running'
       AND NOT EXISTS (SELECT 1 FROM "ProcessRunNode" WHERE "runId" = $1 AND "status" IN ('pending', 'queued', 'running'))
     RETURNING "id"`,
    [runId],
  );
  return rows.length > 0;
}
