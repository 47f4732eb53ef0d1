import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as sourcesApi from "@/app/api/sources/route";
import * as sourceApi from "@/app/api/sources/[id]/route";
import * as usersApi from "@/app/api/users/route";
import * as processesApi from "@/app/api/processes/route";
import * as processApi from "@/app/api/processes/[id]/route";
import { loginAction } from "@/app/actions/session";
import { loadSourcesFile } from "@/lib/server/sources-file/load-sources-file";
import { reconcileSourcesFile } from "@/lib/server/sources-file/reconcile-sources-file";
import { jsonRequest, routeCtx, signInAs, signOut } from "@/lib/test/auth";
import { createTestDatabase } from "@/lib/test/database";
import { hashPassword } from "@/lib/auth/password";
import en from "@/messages/en.json";

/** Names of sources, users and processes are unique regardless of case, everywhere they can be written. */

const fsSource = (name: string) => ({ name, kind: "fs", path: "/srv/plugins", pluginSets: [{ submodule: "custom", version: "1", importModules: "custom.a" }] });
const filled = (text: string, name: string) => text.replace("{name}", name);

describe(`case-insensitive names (${process.env.TEST_DATABASE_URL ? "postgres" : "pglite"})`, () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "opsflow-names-"));
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("sources: EXAMPLES beside examples is a field error, by POST and by a rename", async () => {
    await signInAs("admin");
    expect((await sourcesApi.POST(jsonRequest("POST", "/api/sources", fsSource("examples")), routeCtx())).status).toBe(201);
    const clash = await sourcesApi.POST(jsonRequest("POST", "/api/sources", fsSource("EXAMPLES")), routeCtx());
    expect(clash.status).toBe(422);
    expect((await clash.json()).fieldErrors).toEqual({ name: filled(en.errors.nameTaken, "EXAMPLES") });

    const other = await (await sourcesApi.POST(jsonRequest("POST", "/api/sources", fsSource("other")), routeCtx())).json();
    const rename = await sourceApi.PUT(jsonRequest("PUT", `/api/sources/${other.id}`, fsSource("Examples")), routeCtx({ id: other.id }));
    expect(rename.status).toBe(422);
    // Changing only the case of a source's own name is a rename, not a clash.
    const own = await sourceApi.PUT(jsonRequest("PUT", `/api/sources/${other.id}`, fsSource("OTHER")), routeCtx({ id: other.id }));
    expect(own.status).toBe(200);
    expect(await database.prisma.pluginSource.count()).toBe(2);
  });

  it("users: ALICE beside alice is a field error", async () => {
    await signInAs("admin");
    const body = (username: string) => ({ username, password: "a-long-enough-password", role: "member" });
    expect((await usersApi.POST(jsonRequest("POST", "/api/users", body("alice")), routeCtx())).status).toBe(201);
    const clash = await usersApi.POST(jsonRequest("POST", "/api/users", body("ALICE")), routeCtx());
    expect(clash.status).toBe(422);
    expect((await clash.json()).fieldErrors).toEqual({ username: filled(en.errors.usernameTaken, "ALICE") });
    expect(await database.prisma.user.count({ where: { username: { in: ["alice", "ALICE"] } } })).toBe(1);
  });

  it("sign-in finds the user whatever the case of the name typed", async () => {
    await database.prisma.user.create({ data: { username: "Carol", role: "member", passwordHash: await hashPassword("carols-password-1") } });
    signOut();
    expect(await loginAction({ username: "carol", password: "carols-password-1" })).toMatchObject({ ok: true });
    signOut();
    expect(await loginAction({ username: "CAROL", password: "wrong-password" })).toMatchObject({ ok: false, status: 401 });
  });

  it("processes: Deploy beside deploy is a field error, by POST and by a rename", async () => {
    await signInAs("member");
    expect((await processesApi.POST(jsonRequest("POST", "/api/processes", { name: "Deploy web" }), routeCtx())).status).toBe(201);
    const clash = await processesApi.POST(jsonRequest("POST", "/api/processes", { name: "deploy WEB" }), routeCtx());
    expect(clash.status).toBe(422);
    expect(Object.keys((await clash.json()).fieldErrors)).toEqual(["name"]);
    const other = await (await processesApi.POST(jsonRequest("POST", "/api/processes", { name: "Other" }), routeCtx())).json();
    const rename = await processApi.PUT(jsonRequest("PUT", `/api/processes/${other.id}`, { version: other.version, name: "DEPLOY web" }), routeCtx({ id: other.id }));
    expect(rename.status).toBe(422);
    // Per owner: another user's process may have the name (and learns nothing of the first one's).
    await signInAs("member");
    expect((await processesApi.POST(jsonRequest("POST", "/api/processes", { name: "deploy web" }), routeCtx())).status).toBe(201);
  });

  it("sources file: two entries differing only in case are a located error; a case change renames the row", async () => {
    const file = path.join(dir, "sources.json");
    fs.writeFileSync(file, JSON.stringify({ sources: [fsSource("team"), fsSource("TEAM")] }));
    const loaded = await loadSourcesFile(file);
    expect(loaded).toEqual({ ok: false, errors: [`${file}: sources[1] (name "TEAM").name: ${en.managed.duplicateName.replace("{name}", "TEAM")}`] });

    fs.writeFileSync(file, JSON.stringify({ sources: [fsSource("team")] }));
    expect(await reconcileSourcesFile(file)).toMatchObject({ created: ["team"] });
    fs.writeFileSync(file, JSON.stringify({ sources: [fsSource("Team")] }));
    expect(await reconcileSourcesFile(file)).toMatchObject({ created: [], updated: ["Team"], deleted: [] });
    expect((await database.prisma.pluginSource.findMany({ where: { managedBy: { not: null } } })).map((s) => s.name)).toEqual(["Team"]);
  });
});
