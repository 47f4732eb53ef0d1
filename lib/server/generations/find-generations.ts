import "server-only";
import type { Generation } from "@prisma/client";
import { db } from "../../db";
import { notFound } from "../errors";

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

const toView = (g: Generation & { run: { id: string } | null }): GenerationView => ({
  id: g.id,
  status: g.status,
  createdAt: g.createdAt.toISOString(),
  readyAt: g.readyAt?.toISOString() ?? null,
  activatedAt: g.activatedAt?.toISOString() ?? null,
  plugins: g.plugins,
  sets: g.sets,
  problems: g.problems,
  runId: g.run?.id ?? null,
});

/** The generations one may activate (ready) and the active one, newest first. */
export async function findGenerations(take = 30): Promise<GenerationView[]> {
  const rows = await (await db()).generation.findMany({
    where: { status: { in: ["active", "ready"] } },
    orderBy: { id: "desc" },
    take,
    include: { run: { select: { id: true } } },
  });
  return rows.map(toView);
}

/** One generation (404 when there is none with this id). */
export async function getGeneration(id: number): Promise<GenerationView> {
  const row = await (await db()).generation.findUnique({ where: { id }, include: { run: { select: { id: true } } } });
  if (!row) throw notFound();
  return toView(row);
}
