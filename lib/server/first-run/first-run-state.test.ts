import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { createTestDatabase } from "@/lib/test/database";
import { firstRunState } from "./first-run-state";

/** The first-run guide's ticks on a real database, from an empty install to one with a process. */
let database: Awaited<ReturnType<typeof createTestDatabase>>;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.close();
});

describe("firstRunState", () => {
  it("ticks each step as it is done, and hides the guide only once all three are", async () => {
    const prisma = await db();
    expect(await firstRunState()).toEqual({ hasSource: false, synced: false, syncing: false, hasProcess: false, show: true });

    await prisma.pluginSource.create({ data: { name: "examples", kind: "fs", settings: { path: "/tmp/none" } } });
    expect(await firstRunState()).toMatchObject({ hasSource: true, synced: false, show: true });

    // A running sync, then a generation that is only ready (not active): not synced yet.
    const run = await prisma.syncRun.create({ data: { trigger: "admin", actor: "admin" } });
    expect(await firstRunState()).toMatchObject({ syncing: true, synced: false });
    const gen = await prisma.generation.create({ data: { cacheLocation: "fs:/tmp/none", status: "ready" } });
    expect(await firstRunState()).toMatchObject({ synced: false, show: true });
    await prisma.syncRun.update({ where: { id: run.id }, data: { status: "succeeded", finishedAt: new Date() } });
    await prisma.generation.update({ where: { id: gen.id }, data: { status: "active" } });
    expect(await firstRunState()).toEqual({ hasSource: true, synced: true, syncing: false, hasProcess: false, show: true });

    await prisma.process.create({ data: { name: "First", graph: { nodes: [], edges: [] }, createdBy: "admin", updatedBy: "admin" } });
    expect(await firstRunState()).toEqual({ hasSource: true, synced: true, syncing: false, hasProcess: true, show: false });
  });
});
