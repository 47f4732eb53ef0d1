import "server-only";
import { clearLoginFailures, loginRetryAfter, recordLoginFailure } from "../../auth/rate-limit";
import { dummyHash, verifyPassword } from "../../auth/password";
import { getSession } from "../../auth/session";
import { db } from "../../db";
import type { TLoginInput } from "../../validations/auth";
import { ExpectedError } from "../errors";

/**
 * Verifies the password (constant work whether or not the user exists), rate-limits failures per username+IP and
 * per IP, and stores the user id in the session cookie. Returns the user's saved interface language.
 */
export async function login(input: TLoginInput, ip: string): Promise<{ role: "admin" | "member"; locale: string | null }> {
  const wait = await loginRetryAfter(input.username, ip);
  if (wait > 0) throw new ExpectedError(429, "login.rateLimited", { seconds: wait });
  const prisma = await db();
  // Usernames are unique regardless of case (a lower(username) index): "Admin" signs in as "admin".
  const [match] = await prisma.$queryRaw<{ id: string }[]>`SELECT "id" FROM "User" WHERE lower("username") = lower(${input.username})`;
  const user = match ? await prisma.user.findUnique({ where: { id: match.id } }) : null;
  const ok = await verifyPassword(input.password, user?.passwordHash ?? (await dummyHash()));
  if (!user || !ok) {
    await recordLoginFailure(input.username, ip);
    throw new ExpectedError(401, "login.invalid");
  }
  await clearLoginFailures(input.username, ip);
  const session = await getSession();
  session.userId = user.id;
  await session.save();
  return { role: user.role, locale: user.locale };
}

export async function logout(): Promise<void> {
  (await getSession()).destroy();
}
