import "server-only";
import type { GenerationStatus } from "@prisma/client";
import { db } from "../../db";
import { recordAudit } from "../audit/record-audit";
import { ExpectedError, notFound } from "../errors";
import { notifyActivation } from "../runtime/activation-listener";
import { reloadRuntimeIfServing } from "../runtime/runtime";
import { activationState, type ActivationState } from "../runtime/status";
import { whyUnreadable } from "./check-readable";
import { getGeneration, type GenerationView } from "./find-generations";

const ACTIVATABLE: GenerationStatus[] = ["ready", "active"];

/** A generation as an activation answers it, with this instance's way to it ("loading" while it loads). */
export type ActivationView = GenerationView & { activation: ActivationState };

/**
 * Makes a ready generation the active one (the previous active one becomes ready) and audits it — who, and from
 * which generation to which — in one transaction, whoever asks: an admin (API, plugins page), a sync run that
 * activates what it built (release, plugins:sync, the first start, "Sync now"). First it checks that the generation
 * can be loaded (its manifest in the cache, or a verified copy here): 409 with the reason otherwise. A process that
 * serves plugins (the server) then starts switching to it without waiting for the load; other instances, and a
 * server beside a CLI, follow on the notification (PostgreSQL) or within their poll interval. Rolling back is activating the previous generation again.
 */
export async function activateGeneration(id: number, actor: string): Promise<ActivationView> {
  const prisma = await db();
  const target = await prisma.generation.findUnique({ where: { id } });
  if (!target) throw notFound();
  if (!ACTIVATABLE.includes(target.status)) throw new ExpectedError(409, "plugins.notReady", { id });
  const reason = await whyUnreadable(id);
  if (reason) throw new ExpectedError(409, "plugins.unreadable", { id, reason });
  await prisma.$transaction(async (tx) => {
    const previous = await tx.generation.findFirst({ where: { status: "active" } });
    // Still activatable (garbage collection may have removed it since): checked and changed in one statement.
    const { count } = await tx.generation.updateMany({ where: { id, status: { in: ACTIVATABLE } }, data: { status: "active", activatedAt: new Date() } });
    if (!count) throw new ExpectedError(409, "plugins.notReady", { id });
    await tx.generation.updateMany({ where: { status: "active", id: { not: id } }, data: { status: "ready" } });
    await recordAudit(tx, {
      actor,
      action: "generation.activate",
      targetType: "generation",
      targetId: String(id),
      targetName: `generation ${id}`,
      summary: { from: previous?.id ?? null, to: id },
    });
    // PostgreSQL delivers it to every instance's listener when this transaction commits (and only then).
    await notifyActivation(tx, id);
  });
  reloadRuntimeIfServing(id);
  const activation = activationState(); // as accepted: the load may finish before the view is read
  return { ...(await getGeneration(id)), activation };
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
export async function rollBackGeneration(actor: string): Promise<ActivationView> {
  const target = await findRollbackTarget();
  if (!target) throw new ExpectedError(409, "plugins.noRollback");
  return activateGeneration(target, actor);
}
