/**
 * A counter of writes to the User table made through this process's Prisma clients: `openDatabase` installs a
 * query hook that bumps it after every create/update/upsert/delete on `user`, whoever makes it (the users
 * service, the locale action, a script, a test). Caches of user rows keep the counter they were read at and are
 * stale as soon as it moves, so a demotion or deletion made on this instance takes effect at the next request.
 *
 * Writes made elsewhere (another instance, psql) are not seen here: such caches must stay short-lived.
 * Inside an interactive transaction the hook runs before the commit, so a concurrent read on another connection
 * could still see the old row: code that writes users in a transaction calls `noteUserWrite()` again once it has
 * committed.
 *
 * The count lives on globalThis: Next bundles each route (a page and its server actions, a route handler) with
 * its own copy of this module, while the Prisma client is one per process (lib/db keeps it on globalThis). A
 * module-level count moved only in the copy that made the client, so a sign-out by a server action left a route
 * handler's cached row valid until it expired.
 */
const g = globalThis as unknown as { __opsflowUserWrites?: { count: number } };
const writes = (g.__opsflowUserWrites ??= { count: 0 });

export function userWriteCount(): number {
  return writes.count;
}

export function noteUserWrite(): void {
  writes.count++;
}

/** The Prisma operations that change rows. Reads (find*, count, aggregate, groupBy) do not move the counter. */
export const USER_WRITE_OPERATIONS: ReadonlySet<string> = new Set([
  "create",
  "createMany",
  "createManyAndReturn",
  "update",
  "updateMany",
  "updateManyAndReturn",
  "upsert",
  "delete",
  "deleteMany",
]);
