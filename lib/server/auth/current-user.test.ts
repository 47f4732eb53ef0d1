import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { createTestDatabase } from "@/lib/test/database";
import { jsonRequest, routeCtx, signInAs } from "@/lib/test/auth";
import { testCookies } from "@/lib/test/request";
import { SESSION_COOKIE } from "@/lib/auth/session";
import * as usersApi from "@/app/api/users/route";
import * as userApi from "@/app/api/users/[id]/route";
import { setLocaleAction } from "@/app/actions/session";
import { findCurrentUser, USER_CACHE_MS } from "./current-user";

/** GET /api/users (admin only) with the session cookie `cookie`. */
async function listUsers(cookie: string): Promise<number> {
  testCookies.set(SESSION_COOKIE, cookie);
  return (await usersApi.GET(jsonRequest("GET", "/api/users"), routeCtx())).status;
}

const sessionCookie = () => testCookies.get(SESSION_COOKIE)!.value;

describe("the signed-in user, cached for a short time", () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database.close());
  // Only Date is faked: the cache's clock stands still (every request below is well within its TTL) while
  // PGlite's own timers keep running.
  afterEach(() => vi.useRealTimers());
  const freezeClock = () => vi.useFakeTimers({ toFake: ["Date"], now: Date.now() });

  it("refuses a demoted admin at the next request, although the row was cached a moment before", async () => {
    freezeClock();
    const admin = await signInAs("admin");
    const cookie = sessionCookie();
    expect(await listUsers(cookie)).toBe(200);
    await database.prisma.user.update({ where: { id: admin.id }, data: { role: "member" } });
    expect(await listUsers(cookie)).toBe(403);
  });

  it("refuses a deleted user at the next request", async () => {
    freezeClock();
    await signInAs("admin");
    const admin = sessionCookie();
    const other = await signInAs("admin");
    const doomed = sessionCookie();
    expect(await listUsers(doomed)).toBe(200);
    testCookies.set(SESSION_COOKIE, admin);
    const res = await userApi.DELETE(jsonRequest("DELETE", `/api/users/${other.id}`), routeCtx({ id: other.id }));
    expect(res.status).toBe(200);
    expect(await listUsers(doomed)).toBe(401);
  });

  it("answers with the saved language right after it is changed", async () => {
    freezeClock();
    await signInAs("member");
    expect((await findCurrentUser())?.locale).toBeNull();
    expect(await setLocaleAction("zh-CN")).toMatchObject({ ok: true });
    expect((await findCurrentUser())?.locale).toBe("zh-CN");
  });

  it.skipIf(!process.env.TEST_DATABASE_URL)("PostgreSQL: sees a change made outside this process (another instance, psql) at the next request", async () => {
    freezeClock();
    const admin = await signInAs("admin");
    const cookie = sessionCookie();
    expect(await listUsers(cookie)).toBe(200);
    // Raw SQL on its own session: no Prisma client of this process is told. Several instances share PostgreSQL,
    // so nothing is cached across requests there.
    await database.withSession((s) => s.query(`UPDATE "User" SET "role" = 'member' WHERE "id" = $1`, [admin.id]));
    expect(await listUsers(cookie)).toBe(403);
    await database.withSession((s) => s.query(`UPDATE "User" SET "sessionVersion" = "sessionVersion" + 1 WHERE "id" = $1`, [admin.id]));
    expect(await listUsers(cookie)).toBe(401);
  });

  it.skipIf(Boolean(process.env.TEST_DATABASE_URL))("PGlite: sees a change made by hand in the database (raw SQL) within USER_CACHE_MS", async () => {
    freezeClock();
    const admin = await signInAs("admin");
    const cookie = sessionCookie();
    expect(await listUsers(cookie)).toBe(200);
    // Raw SQL on the connection, past the Prisma client's write counter: the one way to change a row unseen here.
    await database.withSession((s) => s.query(`UPDATE "User" SET "role" = 'member' WHERE "id" = $1`, [admin.id]));
    expect(await listUsers(cookie)).toBe(200); // the cached row
    vi.setSystemTime(Date.now() + USER_CACHE_MS);
    expect(await listUsers(cookie)).toBe(403);
  });

  it("never hands out an object a handler could change (the same row answers several requests)", async () => {
    await signInAs("member");
    const user = await findCurrentUser();
    expect(Object.isFrozen(user)).toBe(true);
  });
});
