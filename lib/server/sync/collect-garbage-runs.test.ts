import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { manifestKey } from "@/lib/plugins/cache/types";
import { createTestDatabase } from "@/lib/test/database";
import { openCache } from "./open-cache";
import { startSync } from "./start-sync";

let database: Awaited<ReturnType<typeof createTestDatabase>>;
beforeAll(async () => {
  database = await createTestDatabase();
  process.env.SYNC_KEEP_GENERATIONS = "1";
  process.env.DATA_DIR = fs.mkdtempSync(path.join(os.tmpdir(), "opsflow-gc-runs-"));
});
afterAll(() => database.close());

it("garbage collection keeps a generation that a process run in progress is pinned to, and drops it once the run ended", async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "opsflow-gc-runs-src-"));
  fs.cpSync(path.resolve("examples/plugins"), root, { recursive: true });
  await database.prisma.pluginSource.create({
    data: { name: "gc", kind: "fs", settings: { path: root }, pluginSets: { create: [{ submodule: "custom_plugins", version: "1.0.0", importModules: ["custom_plugins.collections.test1"] }] } },
  });
  const sync = async (i: number) => {
    fs.writeFileSync(path.join(root, "custom_plugins", "note.txt"), `version ${i}`);
    const { runId, done } = await startSync({ trigger: "cli", actor: "gc", activate: true });
    await done;
    return (await database.prisma.syncRun.findUniqueOrThrow({ where: { id: runId } })).generationId!;
  };
  const first = await sync(0);
  const process = await database.prisma.process.create({ data: { name: "p", graph: {}, createdBy: "a", updatedBy: "a" } });
  const run = await database.prisma.processRun.create({ data: { processId: process.id, actor: "a", generation: first } });
  for (let i = 1; i <= 3; i++) await sync(i);
  const cache = await openCache();
  // Neither active nor among the newest ready one: kept only because the run still uses it.
  expect((await database.prisma.generation.findUniqueOrThrow({ where: { id: first } })).status).toBe("ready");
  expect(await cache.has(manifestKey(first))).toBe(true);

  await database.prisma.processRun.update({ where: { id: run.id }, data: { status: "succeeded", finishedAt: new Date() } });
  await sync(4);
  expect((await database.prisma.generation.findUniqueOrThrow({ where: { id: first } })).status).toBe("deleted");
  expect(await cache.has(manifestKey(first))).toBe(false);
});
