import "server-only";
import { db } from "../../db";
import { noteUserWrite } from "../../db/user-writes";
import { recordAudit } from "../audit/record-audit";
import { notFound } from "../errors";

/**
 * "Sign out everywhere": every session of the user ends at once, on every instance (their session version moves
 * on; cookies carrying the old one are refused). Yours too, when it is you.
 */
export async function revokeUserSessions(id: string, actor: string): Promise<{ username: string }> {
  const prisma = await db();
  const result = await prisma.$transaction(async (tx) => {
    const u = await tx.user.update({ where: { id }, data: { sessionVersion: { increment: 1 } }, select: { username: true } }).catch((err: unknown) => {
      throw (err as { code?: string }).code === "P2025" ? notFound() : err;
    });
    await recordAudit(tx, { actor, action: "user.sessions_revoke", targetType: "user", targetId: id, targetName: u.username, summary: {} });
    return u;
  });
  noteUserWrite();
  return result;
}
