import "server-only";
import { getDatabase } from "../../db";
import { translator, type Locale } from "../../i18n";
import { recordAudit } from "../audit/record-audit";
import type { SessionUser } from "../auth/current-user";
import { ExpectedError, notFound } from "../errors";
import { wakeWorkers, WAKE_CHANNEL } from "../jobs/queue";
import { getProcess } from "./get-process";
import { getProcessRun } from "./get-process-run";
import type { ProcessRunView } from "./process-view";

/**
 * Cancels a running run (owner, editors, admins): the run ends `cancelled` at once; nodes that have not started
 * never will (their jobs find them cancelled); a running node is stopped by the instance executing it, which is
 * told at once (PostgreSQL NOTIFY, and its own poll of the runs it executes) and records it cancelled when its
 * plugin host has stopped. A run that has already ended is a 409.
 */
export async function cancelProcessRun(processId: string, runId: string, user: SessionUser): Promise<ProcessRunView> {
  const process = await getProcess(processId, user, "editor");
  const prisma = await getDatabase();
  const run = await prisma.prisma.processRun.findFirst({ where: { id: runId, processId }, select: { status: true, locale: true } });
  if (!run) throw notFound();
  const error = translator((run.locale === "zh-CN" ? "zh-CN" : "en") as Locale)("editor.runView.cancelled");
  const changed = await prisma.prisma.$transaction(async (tx) => {
    const { count } = await tx.processRun.updateMany({ where: { id: runId, status: "running" }, data: { status: "cancelled", cancelledBy: user.username, finishedAt: new Date() } });
    if (!count) return false;
    await tx.processRunNode.updateMany({ where: { runId, status: { in: ["pending", "queued"] } }, data: { status: "cancelled", error, finishedAt: new Date() } });
    await recordAudit(tx, { actor: user.username, action: "process.cancel", targetType: "process", targetId: processId, targetName: process.name, summary: { run: runId } });
    if (prisma.kind === "postgres") await tx.$executeRawUnsafe(`SELECT pg_notify('${WAKE_CHANNEL}', 'cancel')`);
    return true;
  });
  if (!changed) throw new ExpectedError(409, "editor.errors.runFinished");
  wakeWorkers("cancel");
  return getProcessRun(processId, runId, user);
}
