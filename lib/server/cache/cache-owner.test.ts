import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as cacheApi from "@/app/api/cache/route";
import { setTestDatabase } from "@/lib/db";
import { jsonRequest, routeCtx, signInAs } from "@/lib/test/auth";
import { captureLogs } from "@/lib/log";
import { OWNER_KEY } from "@/lib/plugins/cache/owner";
import { startS3Server, type S3Server } from "@/lib/plugins/__fixtures__/s3-server";
import { createTestDatabase } from "@/lib/test/database";
import { ExpectedError } from "../errors";
import { activateGeneration } from "../generations/activate-generation";
import { openCache } from "../sync/open-cache";
import { startSync } from "../sync/start-sync";
import { getRuntime, reloadRuntime } from "../runtime/runtime";
import { getRuntimeStatus } from "../runtime/status";
import { saveCacheConfig } from "./cache-config";

/**
 * Two installs (two databases) pointed at one bucket + prefix: the first one to use it owns it; the second is
 * refused when it saves that cache and when it syncs into it, and the first one's generations stay untouched.
 */

const EXAMPLES = path.resolve("examples/plugins");
const SET = { submodule: "custom_plugins", version: "1.0.0", importModules: ["custom_plugins.collections.test1"], position: 0 };

type Db = Awaited<ReturnType<typeof createTestDatabase>>;
let first: Db;
let second: Db;
let s3: S3Server;

beforeAll(async () => {
  process.env.DATA_DIR = fs.mkdtempSync(path.join(os.tmpdir(), "opsflow-owner-db-"));
  s3 = await startS3Server();
  await s3.bucket("shared");
  first = await createTestDatabase();
  second = await createTestDatabase();
  for (const d of [first, second]) {
    await d.prisma.pluginSource.create({ data: { name: "examples", kind: "fs", settings: { path: EXAMPLES }, pluginSets: { create: [SET] } } });
  }
});
afterAll(async () => {
  await first.close();
  await second.close();
  await s3.close();
});

const cacheInput = () => ({ kind: "s3" as const, endpoint: s3.endpoint, region: s3.region, bucket: "shared", prefix: "opsflow/", accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey, pathStyle: true });
const installId = async (d: Db) => (await d.prisma.install.findUniqueOrThrow({ where: { id: 1 } })).installId;

describe("one install per cache location", () => {
  it("each database has an install id of its own", async () => {
    expect(await installId(first)).not.toBe(await installId(second));
  });

  it("the first install claims the location at its first sync; a second install is refused on save and on sync", async () => {
    setTestDatabase(first);
    await saveCacheConfig(cacheInput(), "alice");
    const run = await startSync({ trigger: "cli", actor: "alice", activate: true });
    expect((await run.done)?.status).toBe("succeeded");
    const cache = await openCache();
    expect(JSON.parse((await cache.get(OWNER_KEY)).toString())).toMatchObject({ installId: await installId(first) });
    const before = await cache.list("generations/");

    setTestDatabase(second);
    const refused = await saveCacheConfig(cacheInput(), "bob").catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ExpectedError);
    expect((refused as ExpectedError).fields).toEqual({ prefix: ["errors.cacheOwned", { owner: await installId(first) }] });
    expect(await second.prisma.cacheConfig.count()).toBe(0);
    // The cache form and PUT /api/cache: a field error on the prefix, in words (s3rver speaks http).
    process.env.EXTERNAL_PLUGINS_SOURCE_SECURE_LOOSE = "1";
    await signInAs("admin");
    const res = await cacheApi.PUT(jsonRequest("PUT", "/api/cache", cacheInput()), routeCtx());
    expect(res.status).toBe(422);
    expect(((await res.json()) as { fieldErrors: Record<string, string> }).fieldErrors).toEqual({
      prefix: `This location belongs to another Opsflow install (${await installId(first)}): each install needs a cache location of its own.`,
    });

    // Saved behind the form's back (or before this check existed): the sync is refused with the reason.
    const { secretAccessKey: _s, kind, ...settings } = cacheInput();
    const { sealSecrets } = await import("@/lib/secrets");
    await second.prisma.cacheConfig.create({ data: { id: 1, kind, settings, secret: sealSecrets({ secretAccessKey: s3.secretAccessKey }) } });
    const logs = captureLogs("info");
    let refusedRun;
    try {
      refusedRun = await startSync({ trigger: "cli", actor: "bob", activate: true });
      expect(await refusedRun.done).toBeNull();
    } finally {
      logs.stop();
    }
    const row = await second.prisma.syncRun.findUniqueOrThrow({ where: { id: refusedRun.runId } });
    expect(row).toMatchObject({ status: "failed", error: expect.stringMatching(/^the cache s3:\/\/shared\/opsflow\/ .+ belongs to another Opsflow install \(.+\); this install \(.+\) needs a cache location of its own$/) });
    const errors = logs.records().filter((r) => r.level === "error");
    expect(errors).toEqual([expect.objectContaining({ runId: refusedRun.runId, message: `sync failed: ${row.error}` })]);
    expect(await cache.list("generations/")).toEqual(before);
    expect(JSON.parse((await cache.get(OWNER_KEY)).toString())).toMatchObject({ installId: await installId(first) });

    // An instance of the second install whose active generation has the number of one of the first's (its own
    // was overwritten in the shared cache before this check existed) does not serve the first install's generation.
    const [theirs] = await first.prisma.generation.findMany({ where: { status: "active" } });
    await second.prisma.generation.upsert({ where: { id: theirs.id }, create: { id: theirs.id, status: "ready", cacheLocation: cache.location }, update: { status: "ready" } });
    const activation = await activateGeneration(theirs.id, "bob").catch((e: unknown) => e);
    expect(activation).toMatchObject({ status: 409, key: "plugins.unreadable", values: { reason: expect.stringMatching(/belongs to another Opsflow install/) } });
    await second.prisma.generation.update({ where: { id: theirs.id }, data: { status: "active" } });
    await reloadRuntime();
    expect(getRuntime().generation).toBeNull();
    expect(getRuntimeStatus().problem).toMatch(/belongs to another Opsflow install/);

    // The owner still saves and syncs there.
    setTestDatabase(first);
    await saveCacheConfig(cacheInput(), "alice");
    expect((await (await startSync({ trigger: "cli", actor: "alice" })).done)?.status).toBe("succeeded");
  }, 60_000);
});
