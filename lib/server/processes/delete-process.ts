import "server-only";
import { db } from "../../db";
import { notFound } from "../errors";

/** Deletes a process and its runs (cascade). */
export async function deleteProcess(id: string): Promise<{ name: string }> {
  const prisma = await db();
  const row = await prisma.process.findUnique({ where: { id }, select: { name: true } });
  if (!row) throw notFound();
  await prisma.process.deleteMany({ where: { id } });
  return { name: row.name };
}
