import "server-only";
import { db } from "../../db";
import { recordAudit } from "../audit/record-audit";
import { ExpectedError, notFound } from "../errors";
import { reloadRuntimeIfServing } from "../runtime/runtime";
import { getGeneration, type GenerationView } from "./find-generations";

/**
 * Makes a ready generation the active one (the previous active one becomes ready) and audits it — who, and from
 * which generation to which — in one transaction, whoever asks: an admin (API, plugins page), a sync run that
 * activates what it built (release, plugins:sync, the first start, "Sync now"). A process that serves plugins (the
 * server) then switches to it at once; other instances, and a server beside a CLI, follow within their poll
 * interval. Rolling back is activating the previous generation again.
 */
export async function activateGeneration(id: number, actor: string): Promise<GenerationView> {
  const prisma = await db();
  await prisma.$transaction(async (tx) => {
    const target = await tx.generation.findUnique({ where: { id } });
    if (!target) throw notFound();
    if (target.status !== "ready" && target.status !== "active") throw new ExpectedError(409, "plugins.notReady", { id });
    const previous = await tx.generation.findFirst({ where: { status: "active" } });
    await tx.generation.updateMany({ where: { status: "active", id: { not: id } }, data: { status: "ready" } });
    await tx.generation.update({ where: { id }, data: { status: "active", activatedAt: new Date() } });
    await recordAudit(tx, {
      actor,
      action: "generation.activate",
      targetType: "generation",
      targetId: String(id),
      targetName: `generation ${id}`,
      summary: { from: previous?.id ?? null, to: id },
    });
  });
  await reloadRuntimeIfServing();
  return getGeneration(id);
}

/** The generation to roll back to: the most recently active one other than the current. */
export async function findRollbackTarget(): Promise<number | null> {
  const previous = await (await db()).generation.findFirst({
    where: { status: "ready", activatedAt: { not: null } },
    orderBy: { activatedAt: "desc" },
  });
  return previous?.id ?? null;
}

/** Activates the rollback target (409 when no generation was active before the current one). */
export async function rollBackGeneration(actor: string): Promise<GenerationView> {
  const target = await findRollbackTarget();
  if (!target) throw new ExpectedError(409, "plugins.noRollback");
  return activateGeneration(target, actor);
}
