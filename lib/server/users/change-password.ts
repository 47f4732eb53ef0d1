import "server-only";
import { hashPassword, verifyPassword } from "../../auth/password";
import { startSession } from "../../auth/session";
import { db } from "../../db";
import { noteUserWrite } from "../../db/user-writes";
import { passwordMentionsUsername, type TPasswordChange } from "../../validations/auth";
import { recordAudit } from "../audit/record-audit";
import { fieldError, unauthorized } from "../errors";

/**
 * A user changes their own password: the current one must be right. Every other session of the user ends at once
 * (the session version moves on); this browser gets a new cookie at the new version and stays signed in. A
 * required change (generated or reset password) is done with it.
 */
export async function changeOwnPassword(userId: string, input: TPasswordChange): Promise<{ username: string }> {
  const prisma = await db();
  const user = await prisma.user.findUnique({ where: { id: userId } });
  if (!user) throw unauthorized();
  if (!(await verifyPassword(input.currentPassword, user.passwordHash))) throw fieldError("currentPassword", "errors.currentPasswordWrong");
  if (passwordMentionsUsername(input.newPassword, user.username)) throw fieldError("newPassword", "validation.password_username");
  const passwordHash = await hashPassword(input.newPassword);
  const updated = await prisma.$transaction(async (tx) => {
    const after = await tx.user.update({
      // Only if nobody changed it meanwhile (another tab, an admin's reset): the check above was against this hash.
      where: { id: userId, passwordHash: user.passwordHash },
      data: { passwordHash, mustChangePassword: false, passwordChangedAt: new Date(), sessionVersion: { increment: 1 } },
    });
    await recordAudit(tx, { actor: user.username, action: "user.password_change", targetType: "user", targetId: userId, targetName: user.username, summary: { wasRequired: user.mustChangePassword } });
    return after;
  }).catch((err: unknown) => {
    throw (err as { code?: string }).code === "P2025" ? fieldError("currentPassword", "errors.currentPasswordWrong") : err;
  });
  noteUserWrite();
  await startSession(updated);
  return { username: updated.username };
}
