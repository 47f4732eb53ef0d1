import "server-only";
import type { User } from "@prisma/client";
import { db } from "../../db";
import { userWriteCount } from "../../db/user-writes";
import { sessionUserId } from "../../auth/session";
import { ExpiringMap } from "../../expiring-map";
import { forbidden, unauthorized } from "../errors";

export type SessionUser = Pick<User, "id" | "username" | "role" | "locale">;

/**
 * How long a user row read for a request may answer later requests. Every API call and page checks the role, and
 * on the embedded database that query serialises all requests on its one connection. Any write to the User table
 * through this process drops every cached row at once (see lib/db/user-writes.ts); a change made by another
 * instance or by hand in the database is seen here at most this long after.
 */
export const USER_CACHE_MS = 2_000;
const users = new ExpiringMap<string, { user: SessionUser; writes: number }>(1_000);

/** The signed-in user (a demoted or deleted user loses access at once on this instance, see above), or null. */
export async function findCurrentUser(): Promise<SessionUser | null> {
  const userId = await sessionUserId();
  if (!userId) return null;
  const hit = users.get(userId);
  if (hit && hit.writes === userWriteCount()) return hit.user;
  // Counted before the read: a write that lands while it is in flight leaves the entry already stale.
  const writes = userWriteCount();
  const user = await (await db()).user.findUnique({
    where: { id: userId },
    select: { id: true, username: true, role: true, locale: true },
  });
  if (!user) return null; // not kept: nothing needs a deleted user's refusal to be fast
  // Frozen: the same object answers several requests, so no handler may change it.
  const frozen = Object.freeze(user);
  users.set(userId, { user: frozen, writes }, Date.now() + USER_CACHE_MS);
  return frozen;
}

/** Throws 401 when nobody is signed in and 403 when the role is not enough. */
export async function requireUser(role: "admin" | "member" = "member"): Promise<SessionUser> {
  const user = await findCurrentUser();
  if (!user) throw unauthorized();
  if (role === "admin" && user.role !== "admin") throw forbidden();
  return user;
}
