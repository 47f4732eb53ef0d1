import "server-only";
import { hashPassword } from "../../auth/password";
import { db } from "../../db";
import { noteUserWrite } from "../../db/user-writes";
import type { TUserInput } from "../../validations/auth";
import { recordAudit } from "../audit/record-audit";
import { ExpectedError, fieldError, isUniqueViolation, notFound } from "../errors";

export interface UserView {
  id: string;
  username: string;
  role: "admin" | "member";
  createdAt: string;
}

export async function findUsers(): Promise<UserView[]> {
  const rows = await (await db()).user.findMany({ orderBy: { username: "asc" }, select: { id: true, username: true, role: true, createdAt: true } });
  return rows.map((u) => ({ ...u, createdAt: u.createdAt.toISOString() }));
}

export async function createUser(input: Pick<TUserInput, "username" | "password"> & { role: "admin" | "member" }, actor: string): Promise<UserView> {
  const prisma = await db();
  const passwordHash = await hashPassword(input.password);
  try {
    return await prisma.$transaction(async (tx) => {
      const u = await tx.user.create({ data: { username: input.username, role: input.role, passwordHash } });
      await recordAudit(tx, { actor, action: "user.create", targetType: "user", targetId: u.id, targetName: u.username, summary: { role: u.role } });
      return { id: u.id, username: u.username, role: u.role, createdAt: u.createdAt.toISOString() };
    });
  } catch (err) {
    if (isUniqueViolation(err)) {
      throw fieldError("username", "errors.usernameTaken", { name: input.username });
    }
    throw err;
  }
}

export async function deleteUser(id: string, actor: { id: string; username: string }): Promise<{ username: string }> {
  if (id === actor.id) throw new ExpectedError(409, "errors.lastAdmin");
  const prisma = await db();
  const deleted = await prisma.$transaction(async (tx) => {
    const u = await tx.user.findUnique({ where: { id } });
    if (!u) throw notFound();
    await tx.user.delete({ where: { id } });
    await recordAudit(tx, { actor: actor.username, action: "user.delete", targetType: "user", targetId: id, targetName: u.username, summary: { role: u.role } });
    return { username: u.username };
  });
  // Counted again once committed: a request reading the row between the delete and the commit saw it alive.
  noteUserWrite();
  return deleted;
}
