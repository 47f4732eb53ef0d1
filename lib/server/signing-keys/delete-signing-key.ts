import "server-only";
import { db } from "../../db";
import { recordAudit } from "../audit/record-audit";
import { notFound } from "../errors";

/**
 * Removes a key from the allow-list. Sources whose policy trusted it fail their next sync (their last good copy is
 * kept) until their commits are signed by another allowed key.
 */
export async function deleteSigningKey(id: string, actor: string): Promise<{ name: string }> {
  const prisma = await db();
  return prisma.$transaction(async (tx) => {
    const row = await tx.signingKey.findUnique({ where: { id } });
    if (!row) throw notFound();
    await tx.signingKey.delete({ where: { id } });
    await recordAudit(tx, { actor, action: "signing_key.delete", targetType: "signing_key", targetId: id, targetName: row.name, summary: { kind: row.kind, fingerprint: row.fingerprint } });
    return { name: row.name };
  });
}
