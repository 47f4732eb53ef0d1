import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase } from "@/lib/test/database";
import { jsonRequest, routeCtx, signInAs, signOut } from "@/lib/test/auth";
import * as sourcesApi from "@/app/api/sources/route";
import * as sourceApi from "@/app/api/sources/[id]/route";
import * as cacheApi from "@/app/api/cache/route";
import * as auditApi from "@/app/api/audit/route";
import * as usersApi from "@/app/api/users/route";
import * as userApi from "@/app/api/users/[id]/route";
import { createSourceAction, deleteSourceAction, updateSourceAction } from "@/app/(admin)/sources/actions";
import { saveCacheAction } from "@/app/(admin)/cache/actions";
import { createUserAction, deleteUserAction } from "@/app/(admin)/users/actions";

const validSource = {
  name: "plugins",
  kind: "fs",
  path: "/srv/plugins",
  pluginSets: [{ submodule: "custom", version: "1", importModules: "custom.a" }],
};

/** Every admin route handler, with a body that would be valid for an admin. */
const routes: [string, (r: Request, c: ReturnType<typeof routeCtx>) => Promise<Response>, string, unknown?][] = [
  ["GET /api/sources", sourcesApi.GET, "GET"],
  ["POST /api/sources", sourcesApi.POST, "POST", validSource],
  ["GET /api/sources/{id}", sourceApi.GET, "GET"],
  ["PUT /api/sources/{id}", sourceApi.PUT, "PUT", validSource],
  ["DELETE /api/sources/{id}", sourceApi.DELETE, "DELETE"],
  ["GET /api/cache", cacheApi.GET, "GET"],
  ["PUT /api/cache", cacheApi.PUT, "PUT", { kind: "fs", path: "/srv/cache" }],
  ["GET /api/audit", auditApi.GET, "GET"],
  ["GET /api/users", usersApi.GET, "GET"],
  ["POST /api/users", usersApi.POST, "POST", { username: "eve", password: "long-enough-password", role: "admin" }],
  ["DELETE /api/users/{id}", userApi.DELETE, "DELETE"],
];

/** Every admin server action, with a valid input. */
const actions: [string, () => Promise<{ ok: boolean; status?: number }>][] = [
  ["createSourceAction", () => createSourceAction(validSource)],
  ["updateSourceAction", () => updateSourceAction("x", validSource)],
  ["deleteSourceAction", () => deleteSourceAction("x")],
  ["saveCacheAction", () => saveCacheAction({ kind: "fs", path: "/srv/cache" })],
  ["createUserAction", () => createUserAction({ username: "eve", password: "long-enough-password", role: "admin" })],
  ["deleteUserAction", () => deleteUserAction("x")],
];

describe("admin access control", () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let sourceId: string;
  beforeAll(async () => {
    database = await createTestDatabase();
    await signInAs("admin");
    const created = await createSourceAction({ ...validSource, name: "existing" });
    if (!created.ok) throw new Error(created.error);
    sourceId = created.data.id;
  });
  afterAll(() => database.close());

  const counts = async () => ({
    sources: await database.prisma.pluginSource.count(),
    users: await database.prisma.user.count(),
    cache: await database.prisma.cacheConfig.count(),
  });

  for (const who of ["anonymous", "member"] as const) {
    const status = who === "anonymous" ? 401 : 403;
    describe(who, () => {
      it.each(routes)(`%s answers ${status} and changes nothing`, async (_name, handler, method, body) => {
        const before = await counts();
        if (who === "member") await signInAs("member");
        else signOut();
        const res = await handler(jsonRequest(method, "/api/x", body), routeCtx({ id: sourceId }));
        expect(res.status).toBe(status);
        expect(await res.json()).toEqual({ error: expect.any(String) });
        if (who === "member") await database.prisma.user.deleteMany({ where: { role: "member" } });
        expect(await counts()).toEqual(before);
      });

      it.each(actions)(`%s is refused with ${status}`, async (_name, call) => {
        const before = await counts();
        if (who === "member") await signInAs("member");
        else signOut();
        const result = await call();
        expect(result).toMatchObject({ ok: false, status });
        if (who === "member") await database.prisma.user.deleteMany({ where: { role: "member" } });
        expect(await counts()).toEqual(before);
      });
    });
  }

  it("lets an admin through the same doors", async () => {
    await signInAs("admin");
    const res = await sourceApi.GET(jsonRequest("GET", "/api/sources/x"), routeCtx({ id: sourceId }));
    expect(res.status).toBe(200);
    expect((await res.json()).name).toBe("existing");
  });

  it("re-reads the role: a demoted admin is refused at once", async () => {
    const admin = await signInAs("admin");
    await database.prisma.user.update({ where: { id: admin.id }, data: { role: "member" } });
    const res = await sourcesApi.GET(jsonRequest("GET", "/api/sources"), routeCtx());
    expect(res.status).toBe(403);
  });
});
