import "server-only";
import type { User } from "@prisma/client";
import { db } from "../../db";
import { getSession } from "../../auth/session";
import { forbidden, unauthorized } from "../errors";

export type SessionUser = Pick<User, "id" | "username" | "role" | "locale">;

/** The signed-in user, read fresh from the DB (a demoted or deleted user loses access at once), or null. */
export async function findCurrentUser(): Promise<SessionUser | null> {
  const session = await getSession();
  if (!session.userId) return null;
  return (await db()).user.findUnique({
    where: { id: session.userId },
    select: { id: true, username: true, role: true, locale: true },
  });
}

/** Throws 401 when nobody is signed in and 403 when the role is not enough. */
export async function requireUser(role: "admin" | "member" = "member"): Promise<SessionUser> {
  const user = await findCurrentUser();
  if (!user) throw unauthorized();
  if (role === "admin" && user.role !== "admin") throw forbidden();
  return user;
}
