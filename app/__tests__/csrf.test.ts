import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import * as sourcesApi from "@/app/api/sources/route";
import * as sourceApi from "@/app/api/sources/[id]/route";
import * as cacheApi from "@/app/api/cache/route";
import * as usersApi from "@/app/api/users/route";
import * as userApi from "@/app/api/users/[id]/route";
import * as syncApi from "@/app/api/sync/route";
import * as activateApi from "@/app/api/generations/[id]/activate/route";
import * as processesApi from "@/app/api/processes/route";
import * as processApi from "@/app/api/processes/[id]/route";
import * as runsApi from "@/app/api/processes/[id]/runs/route";
import * as pluginRunApi from "@/app/api/plugins/[code]/run/route";
import { routeCtx, signInAs } from "@/lib/test/auth";
import { createTestDatabase } from "@/lib/test/database";
import { testCookies } from "@/lib/test/request";
import en from "@/messages/en.json";

/**
 * Every state-changing route handler refuses a cookie-authenticated request that another origin could have made
 * the admin's browser send: 403 when the browser says it came from elsewhere, 415 when it is not JSON. Nothing is
 * written either way. A bearer token (POST /api/sync) is not a cookie and is exempt.
 */

type Handler = (r: Request, c: ReturnType<typeof routeCtx>) => Promise<Response>;
const ID = "some-id";
const routes: [string, Handler, string, unknown][] = [
  ["POST /api/sources", sourcesApi.POST, "POST", { name: "evil", kind: "fs", path: "/srv/x", pluginSets: [] }],
  ["PUT /api/sources/{id}", sourceApi.PUT, "PUT", { name: "evil", kind: "fs", path: "/srv/x", pluginSets: [] }],
  ["DELETE /api/sources/{id}", sourceApi.DELETE, "DELETE", undefined],
  ["PUT /api/cache", cacheApi.PUT, "PUT", { kind: "fs", path: "/srv/evil" }],
  ["POST /api/users", usersApi.POST, "POST", { username: "evil", password: "evil-password-123", role: "admin" }],
  ["DELETE /api/users/{id}", userApi.DELETE, "DELETE", undefined],
  ["POST /api/sync", syncApi.POST, "POST", {}],
  ["POST /api/generations/{id}/activate", activateApi.POST, "POST", undefined],
  ["POST /api/processes", processesApi.POST, "POST", { name: "evil" }],
  ["PUT /api/processes/{id}", processApi.PUT, "PUT", { version: 1, name: "evil" }],
  ["DELETE /api/processes/{id}", processApi.DELETE, "DELETE", undefined],
  ["POST /api/processes/{id}/runs", runsApi.POST, "POST", {}],
  ["POST /api/plugins/{code}/run", pluginRunApi.POST, "POST", { inputs: {} }],
];

/** What a forged request looks like, per way of forging it. */
const forgeries: [string, Record<string, string>, number, string][] = [
  ["a form on another port (same site)", { "sec-fetch-site": "same-site", origin: "http://localhost:4000", "content-type": "text/plain" }, 403, en.errors.crossOrigin],
  ["a form on another site", { "sec-fetch-site": "cross-site", origin: "http://evil.example", "content-type": "application/x-www-form-urlencoded" }, 403, en.errors.crossOrigin],
  ["curl with Origin: evil, text/plain", { origin: "http://evil.example", "content-type": "text/plain" }, 403, en.errors.crossOrigin],
  ["a sandboxed frame (Origin: null)", { origin: "null", "content-type": "application/json" }, 403, en.errors.crossOrigin],
  ["JSON from another origin (a preflight would fail, but still)", { "sec-fetch-site": "cross-site", "content-type": "application/json" }, 403, en.errors.crossOrigin],
  ["same origin, text/plain", { "sec-fetch-site": "same-origin", origin: "http://localhost", "content-type": "text/plain" }, 415, en.errors.jsonRequired],
  ["same origin, multipart", { "sec-fetch-site": "same-origin", "content-type": "multipart/form-data; boundary=x" }, 415, en.errors.jsonRequired],
  ["no content type", { "sec-fetch-site": "same-origin" }, 415, en.errors.jsonRequired],
];

describe("CSRF: state-changing route handlers", () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database.close());
  afterEach(() => {
    delete process.env.SYNC_TOKEN;
    delete process.env.TRUST_PROXY;
  });

  const counts = async () => ({
    sources: await database.prisma.pluginSource.count(),
    users: await database.prisma.user.count(),
    cache: await database.prisma.cacheConfig.count(),
    processes: await database.prisma.process.count(),
    runs: await database.prisma.syncRun.count(),
    audit: await database.prisma.auditEvent.count(),
  });
  const send = (handler: Handler, method: string, body: unknown, headers: Record<string, string>) =>
    handler(
      new Request(`http://localhost/api/x`, {
        method,
        headers: { cookie: testCookies.header(), host: "localhost", ...headers },
        body: body === undefined ? undefined : JSON.stringify(body),
      }),
      routeCtx({ id: ID, code: "echo" }),
    );

  for (const [how, headers, status, message] of forgeries) {
    it.each(routes)(`${how}: %s answers ${status} and changes nothing`, async (_name, handler, method, body) => {
      await signInAs("admin");
      const before = await counts();
      const res = await send(handler, method, body, headers);
      expect(res.status).toBe(status);
      expect(await res.json()).toEqual({ error: message });
      expect(await counts()).toEqual(before);
    });
  }

  it("lets this origin's JSON through (Origin + Sec-Fetch-Site, or a client that sends neither)", async () => {
    await signInAs("admin");
    const own = { origin: "http://localhost", "sec-fetch-site": "same-origin", "content-type": "application/json" };
    expect((await send(sourcesApi.POST, "POST", { name: "mine", kind: "fs", path: "/srv/mine", pluginSets: [] }, own)).status).toBe(201);
    expect((await send(processesApi.POST, "POST", { name: "mine" }, { "content-type": "application/json; charset=utf-8" })).status).toBe(201);
  });

  it("compares Origin with the proxy's X-Forwarded-Host only with TRUST_PROXY=1", async () => {
    await signInAs("admin");
    const viaProxy = { origin: "https://opsflow.example", "x-forwarded-host": "opsflow.example", "content-type": "application/json" };
    expect((await send(processesApi.POST, "POST", { name: "proxied-1" }, viaProxy)).status).toBe(403);
    process.env.TRUST_PROXY = "1";
    expect((await send(processesApi.POST, "POST", { name: "proxied-2" }, viaProxy)).status).toBe(201);
    expect((await send(processesApi.POST, "POST", { name: "proxied-3" }, { ...viaProxy, "x-forwarded-host": "other.example" })).status).toBe(403);
  });

  it("exempts the bearer token of POST /api/sync: no cookie is involved, so no other page can send it", async () => {
    process.env.SYNC_TOKEN = "sync-token-0123456789abcdef";
    testCookies.clear();
    const token = { authorization: `Bearer ${process.env.SYNC_TOKEN}`, "sec-fetch-site": "cross-site", "content-type": "text/plain" };
    const res = await send(syncApi.POST, "POST", { dryRun: true }, token);
    expect(res.status).toBe(202);
  });
});
