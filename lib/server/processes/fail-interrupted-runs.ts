import "server-only";
import { db } from "../../db";
import { translator } from "../../i18n";

/**
 * At start on the embedded database (one process owns every run), process runs still "running" were cut off by a
 * stop: mark them and their unfinished nodes failed, so nobody waits on them. With PostgreSQL other instances may
 * own running runs, so nothing is touched there.
 */
export async function failInterruptedRuns(): Promise<number> {
  const prisma = await db();
  const error = translator("en")("editor.runView.interrupted");
  const running = await prisma.processRun.findMany({ where: { status: "running" }, select: { id: true } });
  if (!running.length) return 0;
  const ids = running.map((r) => r.id);
  const now = new Date();
  await prisma.$transaction([
    prisma.processRunNode.updateMany({ where: { runId: { in: ids }, status: { in: ["pending", "running"] } }, data: { status: "failed", error, finishedAt: now } }),
    prisma.processRun.updateMany({ where: { id: { in: ids } }, data: { status: "failed", error, finishedAt: now } }),
  ]);
  return ids.length;
}
