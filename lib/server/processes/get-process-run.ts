import "server-only";
import { db } from "../../db";
import { notFound } from "../errors";
import { toRunView, type ProcessRunView } from "./process-view";

/** One run of a process with its nodes in run order; 404 unless it belongs to that process. */
export async function getProcessRun(processId: string, runId: string): Promise<ProcessRunView> {
  const run = await (await db()).processRun.findFirst({ where: { id: runId, processId }, include: { nodes: true } });
  if (!run) throw notFound();
  return toRunView(run);
}

/** The latest run of a process (what the editor shows when opened), or null. */
export async function findLatestRun(processId: string): Promise<ProcessRunView | null> {
  const run = await (await db()).processRun.findFirst({ where: { processId }, orderBy: { startedAt: "desc" }, include: { nodes: true } });
  return run ? toRunView(run) : null;
}
