import "server-only";
import type { User } from "@prisma/client";
import { getDatabase } from "../../db";
import { userWriteCount } from "../../db/user-writes";
import { readSession } from "../../auth/session";
import { ExpiringMap } from "../../expiring-map";
import { ExpectedError, forbidden, unauthorized } from "../errors";

export type SessionUser = Pick<User, "id" | "username" | "role" | "locale" | "mustChangePassword">;

/**
 * How long a user row read for a request may answer later requests, on the embedded database only. Every API
 * call and page checks the role and the session version, and on PGlite that query serialises all requests on
 * its one connection; PGlite also means one process, and any write to the User table through it drops every
 * cached row at once (lib/db/user-writes.ts), so the cache is never stale there except for a change made in the
 * database by hand. On PostgreSQL the row is read on every request: another instance's sign-out, password
 * change or role change must end the session here at the next request, not seconds later.
 */
export const USER_CACHE_MS = 2_000;
type Row = { user: SessionUser; sessionVersion: number };
const users = new ExpiringMap<string, Row & { writes: number }>(1_000);

/**
 * The signed-in user, or null: nobody signed in, the user is gone, or the cookie's session version is behind the
 * user's (signed out, password or role changed, signed out everywhere) — on every instance at once.
 */
export async function findCurrentUser(): Promise<SessionUser | null> {
  const session = await readSession();
  if (!session) return null;
  const row = await userRow(session.userId);
  return row && row.sessionVersion === session.version ? row.user : null;
}

async function userRow(userId: string): Promise<Row | null> {
  const database = await getDatabase();
  const cache = database.kind === "pglite";
  const hit = cache ? users.get(userId) : undefined;
  if (hit && hit.writes === userWriteCount()) return hit;
  // Counted before the read: a write that lands while it is in flight leaves the entry already stale.
  const writes = userWriteCount();
  const row = await database.prisma.user.findUnique({
    where: { id: userId },
    select: { id: true, username: true, role: true, locale: true, mustChangePassword: true, sessionVersion: true },
  });
  if (!row) return null; // not kept: nothing needs a deleted user's refusal to be fast
  const { sessionVersion, ...user } = row;
  // Frozen: the same object answers several requests, so no handler may change it.
  const frozen = Object.freeze(user);
  if (cache) users.set(userId, { user: frozen, sessionVersion, writes }, Date.now() + USER_CACHE_MS);
  return { user: frozen, sessionVersion };
}

/**
 * Throws 401 when nobody is signed in, 403 when the role is not enough, and 403 for a user who must change the
 * password first — unless `passwordChange` (the operations that let them do exactly that).
 */
export async function requireUser(role: "admin" | "member" = "member", opts: { passwordChange?: boolean } = {}): Promise<SessionUser> {
  const user = await findCurrentUser();
  if (!user) throw unauthorized();
  if (user.mustChangePassword && !opts.passwordChange) throw new ExpectedError(403, "errors.passwordChangeRequired");
  if (role === "admin" && user.role !== "admin") throw forbidden();
  return user;
}
