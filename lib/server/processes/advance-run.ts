import "server-only";
import { db } from "../../db";
import { translator, type Locale } from "../../i18n";
import { downstreamOf, readyAfter } from "../../processes/run-plan";
import { enqueueNodes, wakeWorkers } from "../jobs/queue";

/**
 * What happens in a run after one of its nodes ended, whichever instance ran it. Every step is a conditional write
 * (a node moves on only from the status it is expected to have), so two instances finishing nodes of one run at
 * the same moment neither enqueue a node twice nor leave the run unfinished.
 */

/** After `nodeId` succeeded: enqueue each node after it whose upstream nodes in the run have all succeeded. */
export async function enqueueReadyAfter(runId: string, next: string[]): Promise<void> {
  if (!next.length) return;
  const prisma = await db();
  const candidates = await prisma.processRunNode.findMany({ where: { runId, nodeId: { in: next }, status: "pending" }, select: { nodeId: true, upstream: true, retries: true } });
  if (!candidates.length) return;
  const needed = [...new Set(candidates.flatMap((c) => c.upstream))];
  // Upstream nodes of a "Test node" run are not in it: only the rows that exist count.
  const rows = await prisma.processRunNode.findMany({ where: { runId, nodeId: { in: needed } }, select: { nodeId: true, status: true } });
  const status = new Map(rows.map((r) => [r.nodeId, r.status]));
  const byId = new Map(candidates.map((c) => [c.nodeId, c]));
  const ready = readyAfter(
    candidates.map((c) => c.nodeId),
    (id) => byId.get(id)!.upstream,
    (id) => !status.has(id) || status.get(id) === "succeeded",
  );
  if (!ready.length) return;
  let enqueued = 0;
  await prisma.$transaction(async (tx) => {
    const claimed = [];
    for (const nodeId of ready) {
      // Another instance that finished the node's other parent may have claimed it first.
      const { count } = await tx.processRunNode.updateMany({ where: { runId, nodeId, status: "pending" }, data: { status: "queued" } });
      if (count) claimed.push({ runId, nodeId, retries: byId.get(nodeId)!.retries });
    }
    await enqueueNodes(tx, claimed);
    enqueued = claimed.length;
  });
  if (enqueued) wakeWorkers();
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
  const prisma = await db();
  const changed = await prisma.$executeRaw`
    UPDATE "ProcessRun" SET
      "status" = CASE WHEN EXISTS (SELECT 1 FROM "ProcessRunNode" WHERE "runId" = ${runId} AND "status" IN ('failed', 'skipped', 'cancelled'))
                 THEN 'failed'::"ProcessRunStatus" ELSE 'succeeded'::"ProcessRunStatus" END,
      "finishedAt" = (now() AT TIME ZONE 'UTC')
    WHERE "id" = ${runId} AND "status" = 'running'
      AND NOT EXISTS (SELECT 1 FROM "ProcessRunNode" WHERE "runId" = ${runId} AND "status" IN ('pending', 'queued', 'running'))`;
  return changed > 0;
}
