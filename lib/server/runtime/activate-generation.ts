import "server-only";
import { db } from "../../db";
import { recordAudit } from "../audit/record-audit";
import { ExpectedError, notFound } from "../errors";
import { reloadRuntime } from "./runtime";

export interface GenerationView {
  id: number;
  status: string;
  createdAt: string;
  readyAt: string | null;
  activatedAt: string | null;
  plugins: number;
  sets: number;
  problems: number;
  runId: string | null;
}

export async function findGenerations(take = 30): Promise<GenerationView[]> {
  const rows = await (await db()).generation.findMany({
    where: { status: { in: ["active", "ready"] } },
    orderBy: { id: "desc" },
    take,
    include: { run: { select: { id: true } } },
  });
  return rows.map((g) => ({
    id: g.id,
    status: g.status,
    createdAt: g.createdAt.toISOString(),
    readyAt: g.readyAt?.toISOString() ?? null,
    activatedAt: g.activatedAt?.toISOString() ?? null,
    plugins: g.plugins,
    sets: g.sets,
    problems: g.problems,
    runId: g.run?.id ?? null,
  }));
}

/**
 * Makes a ready generation the active one and swaps this instance's runtime to it at once (others follow within
 * their poll interval). Rolling back is activating the previous generation again.
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
  await reloadRuntime();
  return (await findGenerations(100)).find((g) => g.id === id)!;
}

/** The generation to roll back to: the most recently active one other than the current. */
export async function findRollbackTarget(): Promise<number | null> {
  const prisma = await db();
  const previous = await prisma.generation.findFirst({
    where: { status: "ready", activatedAt: { not: null } },
    orderBy: { activatedAt: "desc" },
  });
  return previous?.id ?? null;
}
