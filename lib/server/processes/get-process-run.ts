import "server-only";
import { db } from "../../db";
import type { SessionUser } from "../auth/current-user";
import { notFound } from "../errors";
import { getProcess } from "./get-process";
import { toRunView, type ProcessRunView } from "./process-view";

/** One run of a process with its nodes in run order; 404 unless it belongs to that process and the user may see it. */
export async function getProcessRun(processId: string, runId: string, user: SessionUser): Promise<ProcessRunView> {
  await getProcess(processId, user);
  const run = await (await db()).processRun.findFirst({ where: { id: runId, processId }, include: { nodes: true } });
  if (!run) throw notFound();
  return toRunView(run);
}

/** The latest run of a process (what the editor shows when opened), or null. The caller checked access. */
export async function findLatestRun(processId: string): Promise<ProcessRunView | null> {
  const run = await (await db()).processRun.findFirst({ where: { processId }, orderBy: { startedAt: "desc" }, include: { nodes: true } });
  return run ? toRunView(run) : null;
}
