import "server-only";
import { clearLoginFailures, loginRetryAfter, recordLoginFailure, type LoginSource } from "../../auth/rate-limit";
import { knownDevice, rememberDevice } from "../../auth/device";
import { dummyHash, verifyPassword } from "../../auth/password";
import { getSession, readSession, startSession } from "../../auth/session";
import { db } from "../../db";
import { noteUserWrite } from "../../db/user-writes";
import type { TLoginInput } from "../../validations/auth";
import { ExpectedError } from "../errors";

/**
 * Verifies the password (constant work whether or not the user exists), rate-limits failures (per known device,
 * else per username + address and per address: lib/auth/rate-limit.ts), and starts a session at the user's
 * current session version. Returns where the browser goes next and the user's saved interface language.
 */
export async function login(input: TLoginInput, ip: string): Promise<{ role: "admin" | "member"; locale: string | null; mustChangePassword: boolean }> {
  const device = await knownDevice(input.username);
  const source: LoginSource = { ip, device };
  const wait = await loginRetryAfter(input.username, source);
  if (wait > 0) throw new ExpectedError(429, "login.rateLimited", { seconds: wait });
  const prisma = await db();
  // Usernames are unique regardless of case (a lower(username) index): "Admin" signs in as "admin".
  const [match] = await prisma.$queryRaw<{ id: string }[]>`SELECT "id" FROM "User" WHERE lower("username") = lower(${input.username})`;
  const user = match ? await prisma.user.findUnique({ where: { id: match.id } }) : null;
  const ok = await verifyPassword(input.password, user?.passwordHash ?? (await dummyHash()));
  if (!user || !ok) {
    await recordLoginFailure(input.username, source);
    throw new ExpectedError(401, "login.invalid");
  }
  await clearLoginFailures(input.username, source);
  await startSession(user);
  await rememberDevice(user.username, device);
  return { role: user.role, locale: user.locale, mustChangePassword: user.mustChangePassword };
}

/**
 * Signs out: the user's session version moves on, so this cookie — and every other copy of a session of this
 * user, in any browser, on any instance — is refused from the next request on; then the cookie is cleared.
 */
export async function logout(): Promise<void> {
  const session = await readSession();
  if (session) {
    await (await db()).user.updateMany({ where: { id: session.userId, sessionVersion: session.version }, data: { sessionVersion: { increment: 1 } } });
    noteUserWrite();
  }
  (await getSession()).destroy();
}
