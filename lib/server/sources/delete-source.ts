import "server-only";
import { db } from "../../db";
import { recordAudit } from "../audit/record-audit";
import { notFound } from "../errors";

/** Deletes a source and its plugin sets (cascade) and audits it. */
export async function deleteSource(id: string, actor: string): Promise<{ name: string }> {
  const prisma = await db();
  return prisma.$transaction(async (tx) => {
    const row = await tx.pluginSource.findUnique({ where: { id }, include: { _count: { select: { pluginSets: true } } } });
    if (!row) throw notFound();
    await tx.pluginSource.delete({ where: { id } });
    await recordAudit(tx, {
      actor,
      action: "source.delete",
      targetType: "source",
      targetId: id,
      targetName: row.name,
      summary: { kind: row.kind, pluginSets: row._count.pluginSets },
    });
    return { name: row.name };
  });
}
