import "server-only";
import { hashPassword } from "../../auth/password";
import { db } from "../../db";
import type { TUserInput } from "../../validations/auth";
import { recordAudit } from "../audit/record-audit";
import { fieldError, isUniqueViolation } from "../errors";
import { toUserView, type UserView } from "./user-view";

/** Adds a user (the admin picked the password and hands it over; it is theirs to keep or change). */
export async function createUser(input: Pick<TUserInput, "username" | "password"> & { role: "admin" | "member" }, actor: string): Promise<UserView> {
  const prisma = await db();
  const passwordHash = await hashPassword(input.password);
  try {
    return await prisma.$transaction(async (tx) => {
      const u = await tx.user.create({ data: { username: input.username, role: input.role, passwordHash, passwordChangedAt: new Date() } });
      await recordAudit(tx, { actor, action: "user.create", targetType: "user", targetId: u.id, targetName: u.username, summary: { role: u.role } });
      return toUserView(u);
    });
  } catch (err) {
    // The name exists in some case ("ALICE" beside "alice"): the lower(username) index.
    if (isUniqueViolation(err)) throw fieldError("username", "errors.usernameTaken", { name: input.username });
    throw err;
  }
}
