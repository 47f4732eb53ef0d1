import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startS3Server, type S3Server } from "@/lib/plugins/__fixtures__/s3-server";
import { createTestDatabase } from "@/lib/test/database";
import { configureS3Cache } from "../__fixtures__/s3-cache";
import { startSync } from "../sync/start-sync";
import { reloadRuntime } from "./runtime";
import { getRuntimeStatus } from "./status";

/**
 * The plugins page's "cache unreachable" banner (the runtime status' problem) follows the cache at every poll:
 * up when a poll finds the cache down, gone at the first poll after it is back, whether the instance loaded its
 * generation from the cache or from its local copy while the cache was down.
 */

const EXAMPLES = path.resolve("examples/plugins");
const SET = { submodule: "custom_plugins", version: "1.0.0", importModules: ["custom_plugins.collections.test1"], position: 0 };
const g = globalThis as unknown as { __opsflowRuntime?: unknown };

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let s3: S3Server;
beforeAll(async () => {
  process.env.DATA_DIR = fs.mkdtempSync(path.join(os.tmpdir(), "opsflow-cache-state-"));
  database = await createTestDatabase();
  s3 = await startS3Server();
  await s3.bucket("cache");
  await configureS3Cache(database.prisma, s3, "cache", "state/");
  await database.prisma.pluginSource.create({ data: { name: "examples", kind: "fs", settings: { path: EXAMPLES }, pluginSets: { create: [SET] } } });
  expect((await (await startSync({ trigger: "cli", actor: "test", activate: true })).done)?.status).toBe("succeeded");
});
afterAll(async () => {
  await database.close();
  await s3.close();
});

describe("the cache-unreachable banner", () => {
  it("goes up at the poll that finds the cache down and away at the first poll after it is back", async () => {
    await reloadRuntime();
    expect(getRuntimeStatus()).toMatchObject({ origin: "cache", problem: null });
    s3.setDown(true);
    await reloadRuntime(); // a poll
    expect(getRuntimeStatus()).toMatchObject({ origin: "local", problem: expect.stringMatching(/cache .*unreachable/) });
    s3.setDown(false);
    await reloadRuntime();
    expect(getRuntimeStatus()).toMatchObject({ origin: "cache", problem: null, verified: true });
  }, 60_000);

  it("an instance that started while the cache was down serves its local copy, then drops the banner once the cache is back", async () => {
    g.__opsflowRuntime = undefined; // a restart (the local copy stays)
    s3.setDown(true);
    try {
      await reloadRuntime();
      expect(getRuntimeStatus()).toMatchObject({ origin: "local", verified: true, problem: expect.stringMatching(/unreachable/) });
    } finally {
      s3.setDown(false);
    }
    await reloadRuntime();
    expect(getRuntimeStatus()).toMatchObject({ origin: "cache", problem: null, verified: true });
  }, 60_000);
});
