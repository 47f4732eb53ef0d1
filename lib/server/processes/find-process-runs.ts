import "server-only";
import { z } from "zod";
import { db } from "../../db";
import type { SessionUser } from "../auth/current-user";
import { getProcess } from "./get-process";
import type { ProcessRunView } from "./process-view";

export const RUN_STATUSES = ["running", "succeeded", "failed", "cancelled"] as const;

/** The history's filter, from a query string: an unknown status is a 422, not an empty list. */
export const ZRunFilter = z.strictObject({
  status: z.enum(RUN_STATUSES, { error: "invalid_choice" }).optional(),
  take: z.coerce.number({ error: "invalid" }).int({ error: "invalid" }).min(1, { error: "invalid" }).max(500, { error: "invalid" }).default(100),
});

/** A run in the history list: the run's fields without its nodes, and its plugin nodes counted by status. */
export type ProcessRunSummary = Omit<ProcessRunView, "processId" | "status" | "nodes"> & {
  status: (typeof RUN_STATUSES)[number];
  /** Plugin nodes by status. */
  nodes: Record<string, number>;
};

/** Every run of a process the user may see, newest first, optionally with one status. */
export async function findProcessRuns(processId: string, filter: z.output<typeof ZRunFilter>, user: SessionUser): Promise<ProcessRunSummary[]> {
  await getProcess(processId, user);
  const prisma = await db();
  const runs = await prisma.processRun.findMany({
    where: { processId, ...(filter.status ? { status: filter.status } : {}) },
    orderBy: [{ startedAt: "desc" }, { id: "desc" }],
    take: filter.take,
    select: { id: true, status: true, actor: true, generation: true, onlyNode: true, rerunOf: true, cancelledBy: true, error: true, startedAt: true, finishedAt: true },
  });
  const counts = runs.length
    ? await prisma.processRunNode.groupBy({ by: ["runId", "status"], where: { runId: { in: runs.map((r) => r.id) } }, _count: { _all: true } })
    : [];
  const byRun = new Map<string, Record<string, number>>();
  for (const c of counts) byRun.set(c.runId, { ...byRun.get(c.runId), [c.status]: c._count._all });
  return runs.map((r) => ({ ...r, startedAt: r.startedAt.toISOString(), finishedAt: r.finishedAt?.toISOString() ?? null, nodes: byRun.get(r.id) ?? {} }));
}
