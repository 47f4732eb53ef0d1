import "server-only";
import { db } from "../../db";
import { noteUserWrite } from "../../db/user-writes";
import { recordAudit } from "../audit/record-audit";
import { ExpectedError, notFound } from "../errors";
import { assertAdminRemains, lockAdmins } from "./admins";

/** Deletes a user (not yourself, never the last admin); their sessions end with the row. */
export async function deleteUser(id: string, actor: { id: string; username: string }): Promise<{ username: string }> {
  if (id === actor.id) throw new ExpectedError(409, "errors.deleteSelf");
  const prisma = await db();
  const deleted = await prisma.$transaction(async (tx) => {
    await lockAdmins(tx);
    const u = await tx.user.findUnique({ where: { id } });
    if (!u) throw notFound();
    await tx.user.delete({ where: { id } });
    await assertAdminRemains(tx);
    await recordAudit(tx, { actor: actor.username, action: "user.delete", targetType: "user", targetId: id, targetName: u.username, summary: { role: u.role } });
    return { username: u.username };
  });
  // Counted again once committed: a request reading the row between the delete and the commit saw it alive.
  noteUserWrite();
  return deleted;
}
