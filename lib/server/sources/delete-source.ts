import "server-only";
import type { Prisma } from "@prisma/client";
import { db } from "../../db";
import { recordAudit } from "../audit/record-audit";
import { notFound } from "../errors";
import { assertWritable, type FileWrite } from "../sources-file/managed";

/**
 * Deletes a source and its plugin sets (cascade) and audits it. A source managed by PLUGIN_SOURCES_FILE is refused
 * (409) unless the file's reconciler deletes it (`write`, internal; in its transaction).
 */
export async function deleteSource(id: string, actor: string, write?: FileWrite): Promise<{ name: string }> {
  const run = async (tx: Prisma.TransactionClient) => {
    const row = await tx.pluginSource.findUnique({ where: { id }, include: { _count: { select: { pluginSets: true } } } });
    if (!row) throw notFound();
    assertWritable(row.managedBy, write);
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
  };
  return write ? run(write.tx) : (await db()).$transaction(run);
}
