import "server-only";
import { db } from "../../db";
import { translator, type Locale } from "../../i18n";
import type { NodeJobData } from "../jobs/queue";
import { finishRunIfDone } from "./advance-run";
import { afterFailure } from "./execute-node-job";

/**
 * A node job that pg-boss gave up on: its last attempt expired (the instance running it stopped — killed, crashed,
 * cut off) or could not start. The node fails with that reason, what depends on it is skipped and the run ends —
 * unless the run was cancelled meanwhile (the node is then cancelled) or the node has finished after all.
 */
export async function failStoppedNode({ runId, nodeId }: NodeJobData): Promise<void> {
  const prisma = await db();
  const run = await prisma.processRun.findUnique({ where: { id: runId }, select: { status: true, locale: true } });
  if (!run) return;
  const where = { runId, nodeId, status: { in: ["queued" as const, "running" as const] } };
  if (run.status !== "running") {
    await prisma.processRunNode.updateMany({ where, data: { status: "cancelled", finishedAt: new Date() } });
    return;
  }
  const locale = (run.locale === "zh-CN" ? "zh-CN" : "en") as Locale;
  const { count } = await prisma.processRunNode.updateMany({ where, data: { status: "failed", error: translator(locale)("editor.runView.instanceStopped"), finishedAt: new Date() } });
  if (count) await afterFailure(runId, nodeId, locale);
  else await finishRunIfDone(runId);
}
