import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { manifestKey } from "@/lib/plugins/cache/types";
import { readManifest } from "@/lib/plugins/sync/manifest";
import { verifyGeneration } from "@/lib/plugins/__fixtures__/verify-generation";
import { createTestDatabase } from "@/lib/test/database";
import { activateGeneration } from "../generations/activate-generation";
import { collectGarbage } from "../generations/collect-garbage";
import { openCache } from "./open-cache";
import { startSync } from "./start-sync";

/**
 * Generations exist only when a sync made something new: a sync that finds the active generation's content records
 * an "unchanged" run, one with nothing usable changes nothing, and garbage collection keeps the last good one.
 */
const EXAMPLES = path.resolve("examples/plugins");
const SET = { submodule: "custom_plugins", version: "1.0.0", importModules: ["custom_plugins.collections.test1"], position: 0 };

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let root: string;

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.close());
beforeEach(async () => {
  process.env.DATA_DIR = fs.mkdtempSync(path.join(os.tmpdir(), "opsflow-hygiene-"));
  delete process.env.SYNC_KEEP_GENERATIONS;
  root = fs.mkdtempSync(path.join(os.tmpdir(), "opsflow-hygiene-src-"));
  fs.cpSync(EXAMPLES, root, { recursive: true });
  await database.prisma.pluginSource.deleteMany();
  await database.prisma.generation.updateMany({ where: { status: { in: ["active", "ready"] } }, data: { status: "deleted" } });
  await database.prisma.pluginSource.create({ data: { name: "hygiene", kind: "fs", settings: { path: root }, pluginSets: { create: [SET] } } });
});

async function sync(activate = false) {
  const { runId, done } = await startSync({ trigger: "cli", actor: "hygiene", activate });
  await done;
  return database.prisma.syncRun.findUniqueOrThrow({ where: { id: runId }, include: { generation: true } });
}
const change = (text: string) => fs.writeFileSync(path.join(root, SET.submodule, "note.txt"), text);
const breakSource = () => database.prisma.pluginSource.update({ where: { name: "hygiene" }, data: { settings: { path: path.join(root, "gone") } } });
const live = () => database.prisma.generation.findMany({ where: { status: { in: ["active", "ready"] } }, orderBy: { id: "asc" }, select: { id: true, status: true } });
const cachedGenerations = async () => (await (await openCache()).list("generations/")).map((k) => Number(k.split("/")[1]));

describe("a sync makes a generation only when something changed", () => {
  it("a sync that finds what the active generation holds records 'unchanged' and makes none", async () => {
    const first = await sync(true);
    expect(first).toMatchObject({ status: "succeeded", generation: { status: "active" } });
    const again = await sync(true);
    expect(again).toMatchObject({ status: "unchanged", generationId: null });
    const logs = await database.prisma.syncLog.findMany({ where: { runId: again.id }, orderBy: { id: "asc" } });
    expect(logs.map((l) => l.message)).toContain(`nothing changed since generation ${first.generationId}: no new generation`);
    expect(await live()).toEqual([{ id: first.generationId, status: "active" }]);
    expect(await cachedGenerations()).toEqual([first.generationId]);
    // A change is a new generation again.
    change("something new");
    expect(await sync()).toMatchObject({ status: "succeeded", generation: { status: "ready" } });
  });

  it("a sync whose every source fails makes none and leaves the active one active", async () => {
    const good = await sync(true);
    await breakSource();
    const failed = await sync(true);
    expect(failed).toMatchObject({ status: "failed", generationId: null });
    expect(await live()).toEqual([{ id: good.generationId, status: "active" }]);
    expect(await cachedGenerations()).toEqual([good.generationId]);
  });

  it("a first sync with nothing usable makes none", async () => {
    await breakSource();
    expect(await sync(true)).toMatchObject({ status: "failed", generationId: null });
    expect(await live()).toEqual([]);
    expect(await cachedGenerations()).toEqual([]);
  });
});

describe("garbage collection keeps the last good generation", () => {
  it("seven failed syncs with SYNC_KEEP_GENERATIONS=5: the last good generation still exists and activates", async () => {
    process.env.SYNC_KEEP_GENERATIONS = "5";
    const active = await sync(true);
    change("the last good one");
    const lastGood = await sync(false);
    await breakSource();
    for (let i = 0; i < 7; i++) expect(await sync(true)).toMatchObject({ status: "failed", generationId: null });
    const cache = await openCache();
    expect(await verifyGeneration(cache, await readManifest(cache, lastGood.generationId!))).toEqual([]);
    await activateGeneration(lastGood.generationId!, "admin");
    expect(await live()).toEqual([
      { id: active.generationId, status: "ready" },
      { id: lastGood.generationId, status: "active" },
    ]);
  });

  it("never removes the newest generation a successful run built, whatever newer ones came from", async () => {
    const active = await sync(true);
    change("good");
    const good = await sync();
    change("newer, from a run that failed after writing");
    const newer = await sync();
    await database.prisma.syncRun.update({ where: { id: newer.id }, data: { status: "failed" } });
    const cache = await openCache();
    expect(await collectGarbage(cache, 1)).toEqual([]);
    expect(await cache.has(manifestKey(good.generationId!))).toBe(true);
    // A newer good one replaces it as the last good generation (its run is still finishing when it collects).
    process.env.SYNC_KEEP_GENERATIONS = "1";
    change("newest");
    const newest = await sync();
    expect((await live()).map((g) => g.id)).toEqual([active.generationId, newest.generationId]);
  });

  it("leaves no empty directories in the fs cache", async () => {
    process.env.SYNC_KEEP_GENERATIONS = "1";
    await sync(true);
    for (let i = 0; i < 3; i++) {
      change(`version ${i}`);
      await sync();
    }
    const cacheRoot = (await openCache()).location;
    const empty: string[] = [];
    const walk = (dir: string) => {
      const entries = fs.readdirSync(dir, { withFileTypes: true });
      if (!entries.length) empty.push(path.relative(cacheRoot, dir));
      for (const e of entries) if (e.isDirectory()) walk(path.join(dir, e.name));
    };
    walk(cacheRoot);
    expect(empty).toEqual([]);
    expect((await cachedGenerations()).length).toBe(2); // the active one and the newest
  });
});
