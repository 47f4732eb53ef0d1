import { sealData } from "iron-session";
import { NextRequest } from "next/server";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import * as sourcesApi from "@/app/api/sources/route";
import * as sourceApi from "@/app/api/sources/[id]/route";
import * as activateApi from "@/app/api/generations/[id]/activate/route";
import * as runApi from "@/app/api/sync/runs/[id]/route";
import * as readyApi from "@/app/api/ready/route";
import { createSourceAction } from "@/app/(admin)/sources/actions";
import { activateGenerationAction } from "@/app/(admin)/plugins/actions";
import { proxy } from "@/proxy";
import { SESSION_COOKIE } from "@/lib/auth/session";
import { setTestDatabase } from "@/lib/db";
import { openDatabase, type Database } from "@/lib/db/connection";
import { databaseMarkedDown, DOWN_MARK_MS, markDatabaseDown, markDatabaseUp } from "@/lib/db/health";
import { pageUser } from "@/lib/server/auth/page-guard";
import { deriveKey } from "@/lib/secrets";
import { setRuntimeStatus } from "@/lib/server/runtime/status";
import { jsonRequest, routeCtx, signInAs } from "@/lib/test/auth";
import { createTestDatabase } from "@/lib/test/database";
import { testCookies } from "@/lib/test/request";
import en from "@/messages/en.json";
import zh from "@/messages/zh-CN.json";

/** Bad requests are answered 4xx (or 503 for a missing database) with a clear message, never 500. */

const validSource = { name: "plugins", kind: "fs", path: "/srv/plugins", pluginSets: [{ submodule: "custom", version: "1", importModules: "custom.a" }] };

/** A request body stream of `total` bytes, made as it is read; `pulled()` says how much was read. */
function lazyBody(total: number, chunk = 64 * 1024) {
  let sent = 0;
  const block = new Uint8Array(chunk).fill(0x20);
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent >= total) return controller.close();
      sent += chunk;
      controller.enqueue(block);
    },
  });
  return { stream, pulled: () => sent };
}

const post = (url: string, body: BodyInit, headers: Record<string, string> = {}) =>
  new Request(`http://localhost${url}`, {
    method: "POST",
    body,
    headers: { ...testCookies.requestHeaders(), "content-type": "application/json", ...headers },
    duplex: "half",
  } as RequestInit);

let database: Awaited<ReturnType<typeof createTestDatabase>>;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.close());

describe("request bodies", () => {
  it("stops reading a chunked 400 MiB body at the limit: 413, nothing past it in memory", async () => {
    await signInAs("admin");
    const body = lazyBody(400 * 1024 * 1024);
    global.gc?.();
    const rss = process.memoryUsage().rss;
    const res = await sourcesApi.POST(post("/api/sources", body.stream), routeCtx());
    expect(res.status).toBe(413);
    expect((await res.json()).error).toBe(en.errors.tooLarge);
    // The limit, plus what the stream machinery reads ahead: nowhere near the 400 MiB offered.
    expect(body.pulled()).toBeLessThan(1024 * 1024);
    expect(process.memoryUsage().rss - rss).toBeLessThan(50 * 1024 * 1024);
    expect(await database.prisma.pluginSource.count()).toBe(0);
  });

  it("does not believe a small Content-Length, and refuses a large one before reading", async () => {
    await signInAs("admin");
    const lying = lazyBody(2 * 1024 * 1024);
    expect((await sourcesApi.POST(post("/api/sources", lying.stream, { "content-length": "20" }), routeCtx())).status).toBe(413);
    expect(lying.pulled()).toBeLessThan(1024 * 1024);
    const declared = lazyBody(2 * 1024 * 1024);
    expect((await sourcesApi.POST(post("/api/sources", declared.stream, { "content-length": String(2 * 1024 * 1024) }), routeCtx())).status).toBe(413);
    expect(declared.pulled()).toBeLessThan(256 * 1024); // at most the stream's own read-ahead: refused before reading
  });

  it("answers 400 for bytes that are not UTF-8 and for text that is not JSON", async () => {
    await signInAs("admin");
    for (const body of [new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]), "{ name: 1 }", ""]) {
      const res = await sourcesApi.POST(post("/api/sources", body), routeCtx());
      expect(res.status).toBe(400);
      expect(await res.json()).toEqual({ error: en.errors.malformedJson });
    }
  });

  it("refuses U+0000 anywhere in an input, by the API and by a server action (PostgreSQL cannot store it)", async () => {
    await signInAs("admin");
    const res = await sourcesApi.POST(jsonRequest("POST", "/api/sources", { ...validSource, description: "a\u0000b" }), routeCtx());
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: en.errors.nulCharacter });
    expect(await createSourceAction({ ...validSource, pluginSets: [{ ...validSource.pluginSets[0], version: "1\u0000" }] })).toMatchObject({ ok: false, status: 400 });
    expect(await database.prisma.pluginSource.count()).toBe(0);
  });
});

describe("ids and numbers", () => {
  it("answers 404 for a generation id out of range or not a plain number, by the API and the action", async () => {
    await signInAs("admin");
    for (const id of ["99999999999999999999", "2147483648", "1e3", "-1", "0", "abc", " 1"]) {
      const res = await activateApi.POST(jsonRequest("POST", `/api/generations/${id}/activate`), routeCtx({ id }));
      expect(res.status, id).toBe(404);
    }
    expect(await activateGenerationAction(99999999999999999999)).toMatchObject({ ok: false, status: 422 });
    expect(await activateGenerationAction(2 ** 31)).toMatchObject({ ok: false, status: 422 });
  });

  it("answers 400 for a log cursor that is not a number in range", async () => {
    await signInAs("admin");
    const run = await database.prisma.syncRun.create({ data: { trigger: "admin", actor: "t" } });
    for (const after of ["1e30", "99999999999999999999", "-5", "x"]) {
      const res = await runApi.GET(jsonRequest("GET", `/api/sync/runs/${run.id}?after=${encodeURIComponent(after)}`), routeCtx({ id: run.id }));
      expect(res.status, after).toBe(400);
      expect(await res.json()).toEqual({ error: en.errors.badQuery.replace("{name}", "after") });
    }
    const ok = await runApi.GET(jsonRequest("GET", `/api/sync/runs/${run.id}?after=12`), routeCtx({ id: run.id }));
    expect(ok.status).toBe(200);
  });

  it("answers 404 for an id holding control characters (a decoded %00), before any query", async () => {
    await signInAs("admin");
    for (const id of ["\u0000", "a\u0001b", "x".repeat(300)]) {
      expect((await sourceApi.GET(jsonRequest("GET", "/api/sources/x"), routeCtx({ id }))).status).toBe(404);
      expect((await sourceApi.DELETE(jsonRequest("DELETE", "/api/sources/x"), routeCtx({ id }))).status).toBe(404);
    }
  });
});

describe("proxy.ts", () => {
  const request = (path: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}) =>
    new NextRequest(`http://127.0.0.1:3000${path}`, { ...init, headers: { host: "127.0.0.1:3000", ...init.headers } });
  afterEach(() => {
    delete process.env.TRUST_PROXY;
  });

  it("answers 400 for a path that does not decode, as JSON under /api", async () => {
    const page = await proxy(request("/sources/%E0%A4%A"));
    expect(page.status).toBe(400);
    expect(await page.text()).toMatch(/^Bad Request/);
    const api = await proxy(request("/api/sources/%ff"));
    expect(api.status).toBe(400);
    expect(await api.json()).toEqual({ error: expect.stringMatching(/Malformed URL/) });
  });

  it("refuses state-changing page requests (forms, server actions) from another origin with 403", async () => {
    const forged: Record<string, string>[] = [
      { "sec-fetch-site": "same-site", "content-type": "application/x-www-form-urlencoded" },
      { "sec-fetch-site": "cross-site", "content-type": "multipart/form-data; boundary=x" },
      { origin: "http://127.0.0.1:4000", "content-type": "text/plain", "next-action": "abc" },
      { origin: "null", "content-type": "text/plain" },
    ];
    for (const headers of forged) expect((await proxy(request("/users", { method: "POST", headers, body: "[]" }))).status, JSON.stringify(headers)).toBe(403);
    const own = await proxy(request("/users", { method: "POST", headers: { origin: "http://127.0.0.1:3000", "sec-fetch-site": "same-origin", "next-action": "abc", "content-type": "text/plain;charset=UTF-8" }, body: "[]" }));
    expect(own.headers.get("x-middleware-next")).toBe("1");
  });

  it("answers 400 for a server action body Next could not decode", async () => {
    const action = (body: string, type: string) => proxy(request("/login", { method: "POST", headers: { "next-action": "7f00", "content-type": type }, body }));
    for (const [body, type] of [["{{{", "text/plain;charset=UTF-8"], ["{}", "text/plain"], ['["$Q1"]', "text/plain"], ['[{"a":"$@2"}]', "text/plain"], ["garbage", "multipart/form-data; boundary=xyz"], ["a=b", "application/x-www-form-urlencoded"]]) {
      expect((await action(body, type)).status, body).toBe(400);
    }
    for (const body of ['[{"username":"a","password":"$$b"}]', '["$undefined", "$D2026-01-01T00:00:00.000Z", "$n12", 1, null]']) {
      expect((await action(body, "text/plain;charset=UTF-8")).headers.get("x-middleware-next"), body).toBe("1");
    }
  });

  it("puts a fresh nonce into the CSP of every page, and HSTS only on https behind a trusted proxy", async () => {
    const a = await proxy(request("/sources"));
    const b = await proxy(request("/sources"));
    const nonceOf = (r: Response) => /'nonce-([^']+)'/.exec(r.headers.get("content-security-policy") ?? "")?.[1];
    expect(nonceOf(a)).toMatch(/^[A-Za-z0-9+/]{22}==$/);
    expect(nonceOf(a)).not.toBe(nonceOf(b));
    expect(a.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
    expect(a.headers.get("strict-transport-security")).toBeNull();
    expect((await proxy(request("/sources", { headers: { "x-forwarded-proto": "https" } }))).headers.get("strict-transport-security")).toBeNull();
    process.env.TRUST_PROXY = "1";
    const https = await proxy(request("/sources", { headers: { "x-forwarded-proto": "https" } }));
    expect(https.headers.get("strict-transport-security")).toBe("max-age=31536000");
    expect(https.headers.get("content-security-policy")).toContain("upgrade-insecure-requests");
  });
});

describe("the database gone, or not migrated", () => {
  /** A session cookie for a user id, without the database (which is the point). */
  const cookieFor = async (userId: string) => testCookies.set(SESSION_COOKIE, await sealData({ userId }, { password: deriveKey("session").toString("base64url") }));
  const withDatabase = async (broken: Database, fn: () => Promise<void>) => {
    setTestDatabase(broken);
    try {
      await fn();
    } finally {
      setTestDatabase(database);
      markDatabaseUp();
    }
  };
  const readyChecks = async () => {
    setRuntimeStatus({ generation: null, activeInDb: null, verified: false, origin: "none", problem: null, poolUp: true, plugins: { loaded: 0, failed: 0, carriedOver: 0 }, loadedAt: null, loading: null, pending: null });
    const res = await readyApi.GET(new Request("http://localhost/api/ready"), routeCtx());
    return { status: res.status, db: (await res.json()).checks.db };
  };

  it("unreachable: the API answers 503 with a JSON error, pages go to the 503 page, /api/ready says unreachable", async () => {
    const gone = await openDatabase({ kind: "postgres", url: "postgresql://nobody@127.0.0.1:1/none" });
    await withDatabase(gone, async () => {
      await cookieFor("someone");
      const res = await sourcesApi.GET(jsonRequest("GET", "/api/sources"), routeCtx());
      expect(res.status).toBe(503);
      expect(await res.json()).toEqual({ error: en.errors.dbUnreachable });
      expect(databaseMarkedDown()).toBe("unreachable");

      // A page finding it out marks the database down and asks for itself again: the proxy answers that.
      markDatabaseUp();
      await expect(pageUser("admin")).rejects.toMatchObject({ digest: expect.stringMatching(/^NEXT_REDIRECT;replace;\/;/) });
      expect(databaseMarkedDown()).toBe("unreachable");
      const page = await proxy(new NextRequest("http://127.0.0.1:3000/sources?x=1", { headers: { host: "127.0.0.1:3000" } }));
      expect(page.status).toBe(503);
      expect(page.headers.get("retry-after")).toBe("5");
      const nonce = /'nonce-([^']+)'/.exec(page.headers.get("content-security-policy") ?? "")?.[1];
      const html = await page.text();
      expect(html).toContain(en.unavailable.unreachable);
      expect(html).toContain(`<style nonce="${nonce}">`);
      expect(html).toContain('href="/sources?x=1"');
      // In the browser's language; API requests are never answered by the proxy.
      const zhPage = await proxy(new NextRequest("http://127.0.0.1:3000/login", { headers: { host: "127.0.0.1:3000", "accept-language": "zh-CN" } }));
      expect(await zhPage.text()).toContain(zh.unavailable.title);
      expect(await readyChecks()).toEqual({ status: 503, db: "unreachable" });
    });
    await gone.close();
  });

  it("an empty, unmigrated database: 503 'not migrated' from the API, migrations_pending from /api/ready", async () => {
    const empty = await createTestDatabase({ migrate: false });
    try {
      await withDatabase(empty, async () => {
        await cookieFor("someone");
        const res = await sourcesApi.GET(jsonRequest("GET", "/api/sources"), routeCtx());
        expect(res.status).toBe(503);
        expect(await res.json()).toEqual({ error: en.errors.dbNotMigrated });
        expect(await readyChecks()).toEqual({ status: 503, db: "migrations_pending" });
        const page = await proxy(new NextRequest("http://127.0.0.1:3000/sources", { headers: { host: "127.0.0.1:3000" } }));
        expect(await page.text()).toContain(en.unavailable.migrationsPending);
      });
    } finally {
      await empty.close();
    }
  });

  it("the mark lapses by itself (the next page tries the database again), and /api/ready clears it", async () => {
    const now = Date.now();
    markDatabaseDown("unreachable", now);
    expect(databaseMarkedDown(now + DOWN_MARK_MS - 1)).toBe("unreachable");
    expect(databaseMarkedDown(now + DOWN_MARK_MS)).toBeNull();
    markDatabaseDown("unreachable");
    expect(await readyChecks()).toEqual({ status: 200, db: "ok" });
    expect(databaseMarkedDown()).toBeNull();
    const page = await proxy(new NextRequest("http://127.0.0.1:3000/sources", { headers: { host: "127.0.0.1:3000" } }));
    expect(page.headers.get("x-middleware-next")).toBe("1");
  });
});
