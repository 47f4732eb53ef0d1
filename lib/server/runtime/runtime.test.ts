import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import * as activateApi from "@/app/api/generations/[id]/activate/route";
import * as pluginsApi from "@/app/api/plugins/route";
import * as pluginApi from "@/app/api/plugins/[code]/route";
import * as runApi from "@/app/api/plugins/[code]/run/route";
import { tamperArchive } from "@/lib/plugins/__fixtures__/set-archives";
import { startS3Server, type S3Server } from "@/lib/plugins/__fixtures__/s3-server";
import { jsonRequest, routeCtx, signInAs, signOut } from "@/lib/test/auth";
import { createTestDatabase } from "@/lib/test/database";
import { sealSecrets } from "@/lib/secrets";
import { openCache } from "../sync/open-cache";
import { startSync } from "../sync/start-sync";
import { activateGeneration, findRollbackTarget } from "../generations/activate-generation";
import { resetHostSettings } from "./host-settings";
import { getRuntime, reloadRuntime } from "./runtime";
import { getRuntimeStatus } from "./status";

const EXAMPLES = path.resolve("examples/plugins");
const HOSTILE = path.resolve("lib/server/runtime/__fixtures__");
const EXAMPLE_SET = { submodule: "custom_plugins", version: "1.0.0", importModules: ["custom_plugins.collections.test1", "custom_plugins/collections/greet.mjs"], position: 0 };
const HOSTILE_SET = { submodule: "hostile", version: "1.0.0", importModules: ["hostile/plugins.mjs"], position: 0 };

let database: Awaited<ReturnType<typeof createTestDatabase>>;
const g = globalThis as unknown as { __opsflowRuntime?: unknown };

/** Simulates a restart of this instance: forget the loaded runtime (the local runtime dir stays). */
const restart = () => {
  g.__opsflowRuntime = undefined;
};

async function sync(activate = true): Promise<number> {
  const { runId, done } = await startSync({ trigger: "cli", actor: "test", activate });
  const outcome = await done;
  if (!outcome) throw new Error("sync failed");
  return (await database.prisma.syncRun.findUniqueOrThrow({ where: { id: runId } })).generationId!;
}

async function listCodes(): Promise<string[]> {
  const res = await pluginsApi.GET(jsonRequest("GET", "/api/plugins"), routeCtx());
  expect(res.status).toBe(200);
  const body = (await res.json()) as { groups: { plugins: { code: string }[] }[] };
  return body.groups.flatMap((gr) => gr.plugins.map((p) => p.code)).sort();
}

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.close());
beforeEach(async () => {
  process.env.DATA_DIR = fs.mkdtempSync(path.join(os.tmpdir(), "opsflow-runtime-"));
  await database.prisma.pluginSource.deleteMany();
  await database.prisma.cacheConfig.deleteMany();
  await database.prisma.generation.updateMany({ where: { status: "active" }, data: { status: "ready" } });
  restart();
  await signInAs("admin");
});

describe("load at start", () => {
  it("loads the active generation from the fs cache into the registry and the picker API", async () => {
    await database.prisma.pluginSource.create({ data: { name: "examples", kind: "fs", settings: { path: EXAMPLES }, pluginSets: { create: [EXAMPLE_SET] } } });
    const id = await sync();
    await reloadRuntime();
    expect(getRuntime().generation).toBe(id);
    expect(getRuntimeStatus()).toMatchObject({ generation: id, verified: true, origin: "cache" });
    expect(await listCodes()).toEqual(expect.arrayContaining(["cus_greet", "cus_sum", "cus_test_1", "builtin_log", "builtin_sleep", "builtin_http_request"]));
    const one = await pluginApi.GET(jsonRequest("GET", "/api/plugins/cus_test_1"), routeCtx({ code: "cus_test_1" }));
    expect(one.status).toBe(200);
    const body = await one.json();
    expect(body.inputs.map((i: { type: string }) => i.type)).toEqual(["text", "textarea", "number", "boolean", "select", "json", "secret"]);
    expect(body).not.toHaveProperty("file");
  });

  it("the manifest digest it serves is the sha256 of manifest.json as the cache stores it", async () => {
    await database.prisma.pluginSource.create({ data: { name: "examples", kind: "fs", settings: { path: EXAMPLES }, pluginSets: { create: [EXAMPLE_SET] } } });
    const id = await sync();
    await reloadRuntime();
    const cache = await openCache();
    const stored = fs.readFileSync(path.join(cache.location, "generations", String(id).padStart(8, "0"), "manifest.json"));
    expect(getRuntime().manifestSha256).toBe(createHash("sha256").update(stored).digest("hex"));
    restart();
    await reloadRuntime(); // from the verified local copy now (the cache's manifest is read again, same bytes)
    expect(getRuntime().manifestSha256).toBe(createHash("sha256").update(stored).digest("hex"));
  });

  it("a tampered cached file fails that set's integrity; the other set is loaded", async () => {
    await database.prisma.pluginSource.create({ data: { name: "examples", kind: "fs", settings: { path: EXAMPLES }, pluginSets: { create: [EXAMPLE_SET] } } });
    await database.prisma.pluginSource.create({ data: { name: "hostile", kind: "fs", settings: { path: HOSTILE }, pluginSets: { create: [HOSTILE_SET] } } });
    const id = await sync();
    const cache = await openCache();
    const manifest = JSON.parse((await cache.get(`generations/${String(id).padStart(8, "0")}/manifest.json`)).toString());
    const examples = manifest.sets.find((s: { source: string }) => s.source === "examples");
    await tamperArchive(cache, examples, (files) => files.map((f) => (f.path.endsWith("greet.mjs") ? { ...f, body: Buffer.from("export const plugins = []; // tampered") } : f)));
    await reloadRuntime();
    const sets = getRuntime().loaded!.sets;
    expect(sets.find((s) => s.source === "examples")).toMatchObject({ status: "integrity_failed", reason: expect.stringMatching(/archive does not match/) });
    expect(sets.find((s) => s.source === "hostile")).toMatchObject({ status: "loaded" });
    expect(getRuntimeStatus().verified).toBe(false);
    const codes = await listCodes();
    expect(codes).toContain("hostile_ok");
    expect(codes).not.toContain("cus_test_1");
  });

  it("cache unreachable at start: the verified local copy is served; without one, built-ins only", async () => {
    const s3: S3Server = await startS3Server();
    try {
      await s3.bucket("cache");
      await database.prisma.cacheConfig.create({
        data: {
          kind: "s3",
          settings: { endpoint: s3.endpoint, region: "us-east-1", bucket: "cache", prefix: "opsflow/", accessKeyId: s3.accessKeyId, pathStyle: true },
          secret: sealSecrets({ secretAccessKey: s3.secretAccessKey }),
        },
      });
      await database.prisma.pluginSource.create({ data: { name: "examples", kind: "fs", settings: { path: EXAMPLES }, pluginSets: { create: [EXAMPLE_SET] } } });
      const id = await sync();
      await reloadRuntime();
      expect(getRuntimeStatus()).toMatchObject({ generation: id, origin: "cache", verified: true });
    } finally {
      await s3.close();
    }
    restart();
    await reloadRuntime(); // the S3 cache is down now
    expect(getRuntimeStatus()).toMatchObject({ origin: "local", verified: true, problem: expect.stringMatching(/unreachable/) });
    expect(await listCodes()).toContain("cus_test_1");
    // A new data dir (no local copy) with the cache still down: built-ins only, and the reason is reported.
    restart();
    process.env.DATA_DIR = fs.mkdtempSync(path.join(os.tmpdir(), "opsflow-runtime-empty-"));
    await signInAs("admin"); // the dev session key lives in DATA_DIR
    await reloadRuntime();
    expect(getRuntime().generation).toBeNull();
    expect(getRuntimeStatus().problem).toMatch(/could not be loaded/);
    expect(await listCodes()).toEqual(["builtin_http_request", "builtin_log", "builtin_sleep"]);
  }, 60_000);
});

describe("activation and rollback without restart", () => {
  it("activate N+1, then roll back to N; the registry and /api/plugins follow each step", async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "opsflow-act-"));
    fs.cpSync(EXAMPLES, root, { recursive: true });
    await database.prisma.pluginSource.create({ data: { name: "examples", kind: "fs", settings: { path: root }, pluginSets: { create: [EXAMPLE_SET] } } });
    const n = await sync();
    await reloadRuntime();
    expect(await listCodes()).not.toContain("cus_extra");
    fs.appendFileSync(
      path.join(root, "custom_plugins/collections/greet.mjs"),
      `\nexport const plugins = [greet, { ...greet, code: "cus_extra", name: "Extra" }];\n`,
    );
    const n1 = await sync(false);
    await reloadRuntime();
    expect(getRuntime().generation).toBe(n); // ready, not active
    await activateGeneration(n1, "alice");
    await reloadRuntime(); // joins the switch the activation started
    expect(getRuntime().generation).toBe(n1);
    expect(await listCodes()).toContain("cus_extra");
    expect(await findRollbackTarget()).toBe(n);
    await activateGeneration(n, "alice");
    await reloadRuntime();
    expect(getRuntime().generation).toBe(n);
    expect(await listCodes()).not.toContain("cus_extra");
  });

  it("GET /api/plugins answers 304 to a matching ETag, and a new generation changes the ETag", async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "opsflow-etag-"));
    fs.cpSync(EXAMPLES, root, { recursive: true });
    await database.prisma.pluginSource.create({ data: { name: "examples", kind: "fs", settings: { path: root }, pluginSets: { create: [EXAMPLE_SET] } } });
    await sync();
    await reloadRuntime();
    const first = await pluginsApi.GET(jsonRequest("GET", "/api/plugins"), routeCtx());
    const etag = first.headers.get("etag")!;
    expect(etag).toMatch(/^".+"$/);
    const again = new Request("http://localhost/api/plugins", { headers: { ...Object.fromEntries(jsonRequest("GET", "/api/plugins").headers), "if-none-match": etag } });
    expect((await pluginsApi.GET(again, routeCtx())).status).toBe(304);
    fs.writeFileSync(path.join(root, "custom_plugins/collections/greet.mjs"), 'export default { code: "cus_new", name: "New", version: "1.0.0", group: { code: "CUS", name: "Custom" }, async execute() { return {}; } };\n');
    await sync();
    await reloadRuntime();
    const next = await pluginsApi.GET(jsonRequest("GET", "/api/plugins"), routeCtx());
    expect(next.headers.get("etag")).not.toBe(etag);
    expect(await listCodes()).toContain("cus_new");
  });

  it("GET /api/plugins sends the shared serialised bytes with their length, without copying them per request", async () => {
    const chunks = async () => {
      const res = await pluginsApi.GET(jsonRequest("GET", "/api/plugins"), routeCtx());
      const reader = res.body!.getReader();
      const read: Uint8Array[] = [];
      for (let r = await reader.read(); !r.done; r = await reader.read()) read.push(r.value);
      return { read, length: res.headers.get("content-length") };
    };
    const first = await chunks();
    const second = await chunks();
    expect(first.read).toHaveLength(1);
    expect(second.read[0]).toBe(first.read[0]);
    expect(first.length).toBe(String(first.read[0].byteLength));
    expect(JSON.parse(new TextDecoder().decode(first.read[0]))).toMatchObject({ groups: expect.any(Array) });
  });

  it("GET /api/plugins as anonymous → 401; activation as a member → 403", async () => {
    signOut();
    expect((await pluginsApi.GET(jsonRequest("GET", "/api/plugins"), routeCtx())).status).toBe(401);
    await signInAs("member");
    expect((await activateApi.POST(jsonRequest("POST", "/api/generations/1/activate"), routeCtx({ id: "1" }))).status).toBe(403);
  });
});

describe("hostile plugins cost only their host", () => {
  it.each([
    ["hostile_loop", "timed_out", /timed out/],
    ["hostile_bomb", "crashed", /memory/],
    ["hostile_throw", "failed", /thrown in execute/],
    ["hostile_exit", "failed|crashed", /exit/],
  ])("%s is reported (%s) while concurrent requests still succeed", async (code, status, message) => {
    // Only the loop needs the time limit; the others must end by themselves, however loaded the machine is.
    process.env.PLUGIN_TIMEOUT_MS = code === "hostile_loop" ? "1500" : "60000";
    resetHostSettings();
    await database.prisma.pluginSource.create({ data: { name: "hostile", kind: "fs", settings: { path: HOSTILE }, pluginSets: { create: [HOSTILE_SET] } } });
    await sync();
    await reloadRuntime();
    const running = runApi.POST(jsonRequest("POST", `/api/plugins/${code}/run`, { inputs: {} }), routeCtx({ code }));
    // While the hostile plugin runs, the server keeps answering, and other plugins still run.
    const [list, ok] = await Promise.all([
      listCodes(),
      runApi.POST(jsonRequest("POST", "/api/plugins/hostile_ok/run", { inputs: {} }), routeCtx({ code: "hostile_ok" })).then((r) => r.json()),
    ]);
    expect(list).toContain(code);
    expect(ok).toMatchObject({ status: "succeeded", outputs: { ok: true } });
    const res = await running;
    expect(res.status).toBe(200);
    const result = await res.json();
    expect(result.status).toMatch(new RegExp(`^(${status})$`));
    expect(result.error).toMatch(message);
    // And afterwards the pool still works.
    const again = await runApi.POST(jsonRequest("POST", "/api/plugins/hostile_ok/run", { inputs: {} }), routeCtx({ code: "hostile_ok" }));
    expect(await again.json()).toMatchObject({ status: "succeeded" });
  }, 30_000);
});

describe("fair use of the plugin hosts", () => {
  it("a member's 10 concurrent Sleep runs do not hold up another user's run", async () => {
    delete process.env.PLUGIN_TIMEOUT_MS;
    resetHostSettings();
    restart();
    const { pool } = getRuntime();
    await signInAs("member");
    const sleeps = Array.from({ length: 10 }, () => runApi.POST(jsonRequest("POST", "/api/plugins/builtin_sleep/run", { inputs: { ms: 60_000 } }), routeCtx({ code: "builtin_sleep" })));
    // The member has their share of hosts running and the rest waiting behind them.
    await expect.poll(() => pool.stats().queued).toBeGreaterThan(0);
    const share = pool.stats().running;
    expect(share).toBeLessThan(10);
    await signInAs("admin");
    const quick = await runApi.POST(jsonRequest("POST", "/api/plugins/builtin_log/run", { inputs: { message: "still served" } }), routeCtx({ code: "builtin_log" }));
    expect(await quick.json()).toMatchObject({ status: "succeeded", logs: ["still served info"] });
    // Served while every one of the member's runs was still running or waiting.
    expect(pool.stats()).toMatchObject({ running: share, queued: 10 - share });
    await pool.close({ force: true });
    expect((await Promise.all(sleeps.map(async (r) => (await (await r).json()).status)))).toEqual(Array(10).fill("failed"));
  });
});
