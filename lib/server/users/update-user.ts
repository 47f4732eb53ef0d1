import "server-only";
import type { Prisma } from "@prisma/client";
import { hashPassword } from "../../auth/password";
import { db } from "../../db";
import { noteUserWrite } from "../../db/user-writes";
import { passwordMentionsUsername, type TUserUpdate } from "../../validations/auth";
import { recordAudit } from "../audit/record-audit";
import { ExpectedError, fieldError, notFound } from "../errors";
import { assertAdminRemains, lockAdmins } from "./admins";
import { toUserView, USER_VIEW_SELECT, type UserView } from "./user-view";

/**
 * An admin changes a user's role and/or resets their password, in one transaction, audited. Either change ends
 * every session of that user at once (the session version moves on), on every instance. A reset password must be
 * changed by the user at their next sign-in. The last admin cannot be demoted; an admin cannot reset their own
 * password here (that would skip the current-password check of PUT /api/account/password).
 */
export async function updateUser(id: string, input: TUserUpdate, actor: { id: string; username: string }): Promise<UserView> {
  if (input.password !== undefined && id === actor.id) throw new ExpectedError(409, "errors.resetOwnPassword");
  const passwordHash = input.password === undefined ? undefined : await hashPassword(input.password);
  const prisma = await db();
  const view = await prisma.$transaction(async (tx) => {
    await lockAdmins(tx);
    const before = await tx.user.findUnique({ where: { id } });
    if (!before) throw notFound();
    if (input.password !== undefined && passwordMentionsUsername(input.password, before.username)) {
      throw fieldError("password", "validation.password_username");
    }
    const roleChanges = input.role !== undefined && input.role !== before.role;
    if (!roleChanges && passwordHash === undefined) return toUserView(before);
    const data: Prisma.UserUpdateInput = { sessionVersion: { increment: 1 } };
    if (roleChanges) data.role = input.role;
    if (passwordHash !== undefined) Object.assign(data, { passwordHash, mustChangePassword: true, passwordChangedAt: new Date() });
    const after = await tx.user.update({ where: { id }, data, select: USER_VIEW_SELECT });
    if (roleChanges) {
      await assertAdminRemains(tx);
      await recordAudit(tx, { actor: actor.username, action: "user.role_change", targetType: "user", targetId: id, targetName: before.username, summary: { role: { from: before.role, to: after.role } } });
    }
    if (passwordHash !== undefined) {
      // Never the password itself, nor its hash: only that it was reset.
      await recordAudit(tx, { actor: actor.username, action: "user.password_reset", targetType: "user", targetId: id, targetName: before.username, summary: { mustChangePassword: true } });
    }
    return toUserView(after);
  });
  // Counted again once committed (see lib/db/user-writes.ts): this instance's cached row is stale now.
  noteUserWrite();
  return view;
}
