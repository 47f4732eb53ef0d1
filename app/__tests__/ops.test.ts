import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import * as healthApi from "@/app/api/health/route";
import * as metricsApi from "@/app/api/metrics/route";
import * as readyApi from "@/app/api/ready/route";
import * as sourceApi from "@/app/api/sources/[id]/route";
import * as syncApi from "@/app/api/sync/route";
import { setTestDatabase, type Database } from "@/lib/db";
import { captureLogs } from "@/lib/log";
import { routePattern } from "@/lib/server/route";
import { getRuntime } from "@/lib/server/runtime/runtime";
import { setRuntimeStatus, type RuntimeStatus } from "@/lib/server/runtime/status";
import { startSync } from "@/lib/server/sync/start-sync";
import { jsonRequest, routeCtx, signInAs, signOut } from "@/lib/test/auth";
import { createTestDatabase } from "@/lib/test/database";
import { confinement } from "@/lib/plugins/host/confinement";

/** Operations endpoints: liveness, readiness, and the Prometheus metrics after a real sync. */

const METRICS_TOKEN = "metrics-token-0123456789abcdef";
/** What /api/ready reports about plugin confinement on this machine (reported, not part of readiness). */
const CONFINEMENT = confinement().network === "isolated" ? "ok" : "degraded";
const EXAMPLES = path.resolve("examples/plugins");
const SET = { submodule: "custom_plugins", version: "1.0.0", importModules: ["custom_plugins.collections.test1", "custom_plugins/collections/greet.mjs"], position: 0 };

let database: Awaited<ReturnType<typeof createTestDatabase>>;
beforeAll(async () => {
  database = await createTestDatabase();
  process.env.DATA_DIR = fs.mkdtempSync(path.join(os.tmpdir(), "opsflow-ops-"));
});
afterAll(() => database.close());

const get = (handler: (r: Request, c: ReturnType<typeof routeCtx>) => Promise<Response>, url: string, headers: Record<string, string> = {}) =>
  handler(new Request(`http://localhost${url}`, { headers }), routeCtx());

const status = (over: Partial<RuntimeStatus>): RuntimeStatus => ({
  generation: null,
  activeInDb: null,
  verified: false,
  origin: "none",
  problem: null,
  poolUp: true,
  plugins: { loaded: 0, failed: 0, carriedOver: 0 },
  loading: null,
  pending: null,
  loadedAt: new Date().toISOString(),
  ...over,
});

describe("GET /api/health", () => {
  it("answers 200 { status: ok } without a session, with a request id", async () => {
    const res = await get(healthApi.GET, "/api/health");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "ok" });
    expect(res.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("echoes a sane X-Request-Id and replaces a malformed one", async () => {
    expect((await get(healthApi.GET, "/api/health", { "x-request-id": "lb-req.42" })).headers.get("x-request-id")).toBe("lb-req.42");
    const replaced = (await get(healthApi.GET, "/api/health", { "x-request-id": "bad id <script>" + "x".repeat(80) })).headers.get("x-request-id");
    // A new UUID (which may well contain "bad": it is hex), not the given text.
    expect(replaced).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  });
});

describe("GET /api/ready", () => {
  const ready = async () => {
    const res = await get(readyApi.GET, "/api/ready");
    return { status: res.status, body: (await res.json()) as { status: string; checks: Record<string, string> } };
  };

  it("is not ready before the runtime's first load (no execution pool yet)", async () => {
    setRuntimeStatus(status({ poolUp: false, loadedAt: null }));
    expect(await ready()).toEqual({ status: 503, body: { status: "not_ready", checks: { db: "ok", generation: "ok", pool: "down", confinement: CONFINEMENT } } });
  });

  it("is ready with no active generation in the database and none loaded (a new install)", async () => {
    setRuntimeStatus(status({}));
    expect(await ready()).toEqual({ status: 200, body: { status: "ready", checks: { db: "ok", generation: "ok", pool: "ok", confinement: CONFINEMENT } } });
  });

  it("flips to not ready when the active generation fails verification, and back after a good one", async () => {
    const gen = await database.prisma.generation.create({ data: { status: "active", cacheLocation: "test", readyAt: new Date(), activatedAt: new Date() } });
    try {
      // Active in the database, not loaded here yet.
      setRuntimeStatus(status({}));
      expect(await ready()).toMatchObject({ status: 503, body: { checks: { generation: "not_loaded" } } });

      setRuntimeStatus(status({ generation: gen.id, activeInDb: gen.id, verified: true, origin: "cache", plugins: { loaded: 3, failed: 0, carriedOver: 0 } }));
      expect(await ready()).toEqual({ status: 200, body: { status: "ready", checks: { db: "ok", generation: "ok", pool: "ok", confinement: CONFINEMENT } } });

      setRuntimeStatus(status({ generation: gen.id, activeInDb: gen.id, verified: false, origin: "cache", problem: "some plugin sets failed verification" }));
      const failed = await ready();
      expect(failed).toEqual({ status: 503, body: { status: "not_ready", checks: { db: "ok", generation: "verification_failed", pool: "ok", confinement: CONFINEMENT } } });
      expect(JSON.stringify(failed.body)).not.toMatch(/plugin sets|cache|test/);

      setRuntimeStatus(status({ generation: gen.id, activeInDb: gen.id, verified: true, origin: "cache" }));
      expect(await ready()).toMatchObject({ status: 200, body: { status: "ready" } });

      // Another generation activated elsewhere: not ready until this instance has loaded it.
      setRuntimeStatus(status({ generation: gen.id, activeInDb: gen.id + 1, verified: true, origin: "cache" }));
      expect(await ready()).toMatchObject({ status: 503, body: { checks: { generation: "not_loaded" } } });
    } finally {
      await database.prisma.generation.delete({ where: { id: gen.id } });
    }
  });

  it("reports the pool down when the served runtime's pool can run nothing (closed), though it was loaded", async () => {
    const g = globalThis as unknown as { __opsflowRuntime?: unknown };
    setRuntimeStatus(status({}));
    await getRuntime().pool.close();
    try {
      expect(await ready()).toEqual({ status: 503, body: { status: "not_ready", checks: { db: "ok", generation: "ok", pool: "down", confinement: CONFINEMENT } } });
    } finally {
      g.__opsflowRuntime = undefined; // the next use builds a runtime with an open pool
    }
    expect(await ready()).toMatchObject({ status: 200, body: { checks: { pool: "ok" } } });
  });

  it("names the database when it does not answer, and nothing else about it", async () => {
    const broken = { kind: "postgres", prisma: { $queryRaw: () => Promise.reject(new Error("connect ECONNREFUSED 10.1.2.3:5432 (postgresql://app:pw@db)")) } };
    setTestDatabase(broken as unknown as Database);
    try {
      setRuntimeStatus(status({}));
      const res = await get(readyApi.GET, "/api/ready");
      expect(res.status).toBe(503);
      const text = await res.text();
      expect(JSON.parse(text)).toEqual({ status: "not_ready", checks: { db: "unreachable", generation: "ok", pool: "ok", confinement: CONFINEMENT } });
      expect(text).not.toMatch(/ECONNREFUSED|10\.1\.2\.3|postgres/);
    } finally {
      setTestDatabase(database);
    }
  });
});

describe("GET /api/metrics", () => {
  afterEach(() => {
    delete process.env.METRICS_TOKEN;
  });

  it("is disabled (404) without METRICS_TOKEN", async () => {
    const res = await get(metricsApi.GET, "/api/metrics", { authorization: "Bearer anything" });
    expect(res.status).toBe(404);
    expect(await res.text()).toMatch(/metrics disabled/);
  });

  it("needs the bearer token: 401 without it or with a wrong one, 200 with it", async () => {
    process.env.METRICS_TOKEN = METRICS_TOKEN;
    expect((await get(metricsApi.GET, "/api/metrics")).status).toBe(401);
    expect((await get(metricsApi.GET, "/api/metrics", { authorization: "Bearer wrong-token-0123456789abcdef" })).status).toBe(401);
    expect((await get(metricsApi.GET, "/api/metrics", { authorization: `Basic ${METRICS_TOKEN}` })).status).toBe(401);
    expect((await get(metricsApi.GET, "/api/metrics", { authorization: `Bearer ${METRICS_TOKEN.slice(0, -1)}` })).status).toBe(401);
    const ok = await get(metricsApi.GET, "/api/metrics", { authorization: `Bearer ${METRICS_TOKEN}` });
    expect(ok.status).toBe(200);
    expect(ok.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8");
    expect(await ok.text()).toContain("# TYPE opsflow_sync_runs_total counter");
  });

  describe("after a sync with one good and one failing source", () => {
    let text: string;
    let generation: number;

    beforeAll(async () => {
      await database.prisma.pluginSource.create({ data: { name: "good", kind: "fs", settings: { path: EXAMPLES }, pluginSets: { create: [SET] } } });
      await database.prisma.pluginSource.create({ data: { name: "broken", kind: "fs", settings: { path: "/nonexistent/opsflow-plugins" }, pluginSets: { create: [SET] } } });
      const { runId, done } = await startSync({ trigger: "admin", actor: "ops-test", activate: true });
      expect((await done)?.status).toBe("partial");
      generation = (await database.prisma.syncRun.findUniqueOrThrow({ where: { id: runId } })).generationId!;
      setRuntimeStatus(status({ generation, activeInDb: generation, verified: true, origin: "cache", plugins: { loaded: 3, failed: 1, carriedOver: 2 } }));
      process.env.METRICS_TOKEN = METRICS_TOKEN;
      const res = await get(metricsApi.GET, "/api/metrics", { authorization: `Bearer ${METRICS_TOKEN}` });
      expect(res.status).toBe(200);
      text = await res.text();
    });

    /** The value of the sample line named exactly `name` (with its labels). */
    const sample = (name: string) => {
      const line = text.split("\n").find((l) => l.startsWith(`${name} `));
      return line === undefined ? undefined : Number(line.slice(name.length + 1));
    };

    it("counts the run by status", () => {
      expect(sample('opsflow_sync_runs_total{status="partial"}')).toBe(1);
      expect(sample('opsflow_sync_runs_total{status="succeeded"}')).toBe(0);
      expect(sample('opsflow_sync_runs_total{status="failed"}')).toBe(0);
    });

    it("observes each source's duration with its status", () => {
      expect(sample('opsflow_sync_source_duration_seconds_count{source="good",status="succeeded"}')).toBe(1);
      expect(sample('opsflow_sync_source_duration_seconds_count{source="broken",status="failed"}')).toBe(1);
      expect(sample('opsflow_sync_source_duration_seconds_bucket{le="+Inf",source="broken",status="failed"}')).toBe(1);
      expect(sample('opsflow_sync_source_duration_seconds_sum{source="good",status="succeeded"}')).toBeGreaterThan(0);
    });

    it("counts the bytes and files fetched from the good source (its set's directory: only that is staged)", () => {
      const files = fs.readdirSync(path.join(EXAMPLES, SET.submodule), { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
      expect(sample('opsflow_sync_fetched_files_total{source="good"}')).toBe(files.length);
      expect(sample('opsflow_sync_fetched_bytes_total{source="good"}')).toBe(files.reduce((n, e) => n + fs.statSync(path.join(e.parentPath, e.name)).size, 0));
      expect(sample('opsflow_sync_fetched_bytes_total{source="broken"}') ?? 0).toBe(0);
    });

    it("reports the served generation, its age and its plugins", () => {
      expect(sample("opsflow_active_generation")).toBe(generation);
      expect(sample("opsflow_active_generation_age_seconds")).toBeGreaterThanOrEqual(0);
      expect(sample("opsflow_active_generation_age_seconds")).toBeLessThan(60);
      expect(sample('opsflow_plugins{state="loaded"}')).toBe(3);
      expect(sample('opsflow_plugins{state="failed"}')).toBe(1);
      expect(sample('opsflow_plugins{state="carried_over"}')).toBe(2);
      expect(text).toMatch(/^opsflow_plugin_hosts \d+$/m);
      expect(text).toMatch(/^opsflow_plugin_host_queue \d+$/m);
      expect(text).toMatch(/^process_resident_memory_bytes \d+/m);
    });
  });
});

describe("HTTP request durations", () => {
  afterAll(() => signOut());

  it("are recorded by route pattern (never the id), method and status", async () => {
    process.env.METRICS_TOKEN = METRICS_TOKEN;
    try {
      await signInAs("admin");
      expect((await syncApi.GET(jsonRequest("GET", "/api/sync"), routeCtx())).status).toBe(200);
      const id = "cm0000000000000000000abcd";
      expect((await sourceApi.GET(jsonRequest("GET", `/api/sources/${id}`), routeCtx({ id }))).status).toBe(404);
      signOut();
      expect((await sourceApi.GET(jsonRequest("GET", `/api/sources/${id}`), routeCtx({ id }))).status).toBe(401);
      const text = await (await get(metricsApi.GET, "/api/metrics", { authorization: `Bearer ${METRICS_TOKEN}` })).text();
      expect(text).toMatch(/^opsflow_http_request_duration_seconds_count\{route="\/api\/sync",method="GET",status="200"\} 1$/m);
      expect(text).toMatch(/^opsflow_http_request_duration_seconds_count\{route="\/api\/sources\/\[id\]",method="GET",status="404"\} 1$/m);
      expect(text).toMatch(/^opsflow_http_request_duration_seconds_count\{route="\/api\/sources\/\[id\]",method="GET",status="401"\} 1$/m);
      expect(text).toMatch(/^opsflow_http_request_duration_seconds_count\{route="\/api\/health",method="GET",status="200"\} \d+$/m);
      expect(text).not.toContain(id);
    } finally {
      delete process.env.METRICS_TOKEN;
    }
  });
});

describe("routePattern (the route label)", () => {
  const r = (u: string) => new Request(`http://localhost${u}`);
  it.each([
    ["/api/sources/abc", { id: "abc" }, "/api/sources/[id]"],
    ["/api/sources/sources", { id: "sources" }, "/api/sources/[id]"],
    ["/api/processes/p1/runs/r1", { id: "p1", runId: "r1" }, "/api/processes/[id]/runs/[runId]"],
    ["/api/processes/x/runs/x", { id: "x", runId: "x" }, "/api/processes/[id]/runs/[runId]"],
    ["/api/plugins/a%20b/run", { code: "a b" }, "/api/plugins/[code]/run"],
    ["/api/files/a/b/c", { path: ["a", "b", "c"] }, "/api/files/[...path]"],
    ["/api/health/", {}, "/api/health"],
  ] as const)("%s", (url, params, pattern) => {
    expect(routePattern(r(url), params as Record<string, string | string[]>)).toBe(pattern);
  });
});

describe("request ids in the log", () => {
  it("a sync started through the API logs every line with the request's id", async () => {
    const SYNC_TOKEN = "sync-token-0123456789abcdef";
    process.env.SYNC_TOKEN = SYNC_TOKEN;
    const capture = captureLogs("info");
    try {
      const request = new Request("http://localhost/api/sync", {
        method: "POST",
        headers: { authorization: `Bearer ${SYNC_TOKEN}`, "content-type": "application/json", "x-request-id": "req-ops-1" },
        body: JSON.stringify({ dryRun: true }),
      });
      const res = await syncApi.POST(request, routeCtx());
      expect(res.status).toBe(202);
      expect(res.headers.get("x-request-id")).toBe("req-ops-1");
      const { runId } = (await res.json()) as { runId: string };
      for (let i = 0; i < 200; i++) {
        if ((await database.prisma.syncRun.findUniqueOrThrow({ where: { id: runId } })).status !== "running") break;
        await new Promise((r) => setTimeout(r, 50));
      }
      const lines = capture.records().filter((r) => r.runId === runId);
      expect(lines.map((r) => r.message)).toContainEqual(expect.stringMatching(/^sync finished/));
      expect(lines.every((r) => r.requestId === "req-ops-1")).toBe(true);
      expect(capture.raw()).not.toContain(SYNC_TOKEN);
    } finally {
      capture.stop();
      delete process.env.SYNC_TOKEN;
    }
  });
});

describe("sync trigger", () => {
  it("POST /api/sync with an admin session is labelled API (the admin page's button is a server action), actor the user", async () => {
    const admin = await signInAs("admin");
    const res = await syncApi.POST(jsonRequest("POST", "/api/sync", { dryRun: true }), routeCtx());
    expect(res.status).toBe(202);
    const { runId } = (await res.json()) as { runId: string };
    for (let i = 0; i < 200; i++) {
      if ((await database.prisma.syncRun.findUniqueOrThrow({ where: { id: runId } })).status !== "running") break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(await database.prisma.syncRun.findUniqueOrThrow({ where: { id: runId } })).toMatchObject({ trigger: "api", actor: admin.username });
    signOut();
  });
});

