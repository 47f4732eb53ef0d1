import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { ActivationPolicy } from "@prisma/client";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import * as pluginsApi from "@/app/api/plugins/route";
import { readManifest } from "@/lib/plugins/sync/manifest";
import { jsonRequest, routeCtx, signInAs } from "@/lib/test/auth";
import { createTestDatabase } from "@/lib/test/database";
import { reloadRuntime } from "../runtime/runtime";
import { openCache } from "./open-cache";
import { findSyncTimes } from "./find-sync-times";
import { startSync } from "./start-sync";

/** Activation policies and allow/deny lists, on real fs sources synced into a real cache and served by /api/plugins. */

const EXAMPLES = path.resolve("examples/plugins");
const SET = { submodule: "custom_plugins", version: "1.0.0", importModules: ["custom_plugins.collections.test1", "custom_plugins/collections/greet.mjs"], position: 0 };
const BROKEN_SET = { submodule: "custom_plugins", version: "1.0.0", importModules: ["custom_plugins/collections/missing.mjs"], position: 1 };

let database: Awaited<ReturnType<typeof createTestDatabase>>;
const g = globalThis as unknown as { __opsflowRuntime?: unknown };

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.close());
beforeEach(async () => {
  process.env.DATA_DIR = fs.mkdtempSync(path.join(os.tmpdir(), "opsflow-policy-"));
  await database.prisma.pluginSource.deleteMany();
  await database.prisma.generation.updateMany({ where: { status: "active" }, data: { status: "ready" } });
  g.__opsflowRuntime = undefined;
  await signInAs("admin");
});

/** A copy of the examples with a second submodule whose module is missing (a failed set). */
function examplesWithBrokenSet(): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "opsflow-policy-src-"));
  fs.cpSync(EXAMPLES, root, { recursive: true });
  fs.mkdirSync(path.join(root, "broken"));
  fs.writeFileSync(path.join(root, "broken", "note.txt"), "no module here");
  return root;
}

async function addSource(name: string, data: { activationPolicy?: ActivationPolicy; allowPlugins?: string[]; denyPlugins?: string[]; broken?: boolean } = {}) {
  const { broken, ...policy } = data;
  const root = broken ? examplesWithBrokenSet() : EXAMPLES;
  const sets = broken ? [SET, { ...BROKEN_SET, submodule: "broken", importModules: ["broken/missing.mjs"] }] : [SET];
  return database.prisma.pluginSource.create({ data: { name, kind: "fs", settings: { path: root }, ...policy, pluginSets: { create: sets } } });
}

async function sync(only?: string[]) {
  const { runId, done } = await startSync({ trigger: "admin", actor: "alice", activate: true, only });
  await done;
  return database.prisma.syncRun.findUniqueOrThrow({ where: { id: runId }, include: { generation: true, results: true, logs: true } });
}

async function listCodes(): Promise<string[]> {
  const res = await pluginsApi.GET(jsonRequest("GET", "/api/plugins"), routeCtx());
  expect(res.status).toBe(200);
  const body = (await res.json()) as { groups: { plugins: { code: string }[] }[] };
  return body.groups.flatMap((gr) => gr.plugins.map((p) => p.code)).filter((c) => !c.startsWith("builtin_")).sort();
}

describe("activation policy per source", () => {
  it("always (the default): a run asked to activate does, even with a failed set (as before policies existed)", async () => {
    const row = await addSource("examples", { broken: true });
    expect(row.activationPolicy).toBe("always");
    const run = await sync();
    expect(run.status).toBe("partial");
    expect(run.generation?.status).toBe("active");
    expect(run.notActivated).toBeNull();
  });

  it("never: the generation is ready, not active, and the run says which source's policy kept it", async () => {
    await addSource("examples", { activationPolicy: "never" });
    const run = await sync();
    expect(run.status).toBe("succeeded");
    expect(run.generation?.status).toBe("ready");
    expect(run.notActivated).toEqual([{ source: "examples", policy: "never" }]);
    expect(run.logs.map((l) => l.message)).toContain(`generation ${run.generationId} is ready, not activated: source examples's activation policy is never (an admin activates)`);
  });

  it("the sources' last attempt and last success come from every kind of run (this one was started by an admin)", async () => {
    await addSource("examples", { activationPolicy: "never" });
    await database.prisma.pluginSource.create({ data: { name: "gone", kind: "fs", settings: { path: "/nowhere/at/all" }, pluginSets: { create: [SET] } } });
    const run = await sync();
    const times = await findSyncTimes();
    expect(times.get("examples")).toEqual({ lastAttemptAt: run.finishedAt!.toISOString(), lastSuccessAt: run.finishedAt!.toISOString() });
    expect(times.get("gone")).toEqual({ lastAttemptAt: run.finishedAt!.toISOString(), lastSuccessAt: null });
  });

  it("clean: activates a clean sync, refuses one with a failed set", async () => {
    await addSource("clean-one", { activationPolicy: "clean" });
    const ok = await sync();
    expect(ok.generation?.status).toBe("active");
    await database.prisma.pluginSource.deleteMany();
    await addSource("clean-two", { activationPolicy: "clean", broken: true });
    const run = await sync();
    expect(run.status).toBe("partial");
    expect(run.generation?.status).toBe("ready");
    expect(run.notActivated).toEqual([{ source: "clean-two", policy: "clean" }]);
  });

  it("several sources: every synced source must allow it; a source the run did not sync has no say", async () => {
    await addSource("a-always");
    await addSource("b-never", { activationPolicy: "never", denyPlugins: ["*"] });
    const both = await sync();
    expect(both.generation?.status).toBe("ready");
    expect(both.notActivated).toEqual([{ source: "b-never", policy: "never" }]);
    // Only a-always synced (with a change, so a generation is made): b-never keeps its content and is not asked.
    await database.prisma.pluginSource.update({ where: { name: "a-always" }, data: { denyPlugins: ["cus_sum"] } });
    const one = await sync(["a-always"]);
    expect(one.generation?.status).toBe("active");
    expect(one.notActivated).toBeNull();
  });
});

describe("allow and deny lists per source", () => {
  it("refused plugins are left out of the generation and /api/plugins, and listed on the run with the reason", async () => {
    await addSource("examples", { allowPlugins: ["cus_*", "group:OTHER"], denyPlugins: ["CUS_SUM"] });
    const run = await sync();
    expect(run.generation?.status).toBe("active");
    const sets = run.results[0].sets as { submodule: string; plugins: number; refused?: unknown[] }[];
    expect(sets[0]).toMatchObject({ plugins: 2, refused: [{ code: "cus_sum", version: expect.any(String), group: "CUS", reason: "denied", pattern: "CUS_SUM" }] });
    const manifest = await readManifest(await openCache(), run.generationId!);
    expect(manifest.sets[0].plugins.map((p) => p.code).sort()).toEqual(["cus_greet", "cus_test_1"]);
    await reloadRuntime();
    expect(await listCodes()).toEqual(["cus_greet", "cus_test_1"]);
  });

  it("an allow-list keeps only what it names; loosening it describes the set again and brings the plugins back", async () => {
    await addSource("examples", { allowPlugins: ["cus_greet"] });
    const first = await sync();
    const refused = (first.results[0].sets as { refused?: { code: string; reason: string }[] }[])[0].refused;
    expect(refused?.map((r) => [r.code, r.reason]).sort()).toEqual([["cus_sum", "not_allowed"], ["cus_test_1", "not_allowed"]]);
    await reloadRuntime();
    expect(await listCodes()).toEqual(["cus_greet"]);
    await database.prisma.pluginSource.update({ where: { name: "examples" }, data: { allowPlugins: [] } });
    const second = await sync();
    expect(second.generationId).not.toBeNull();
    expect((second.results[0].sets as { status: string; refused?: unknown }[])[0]).toMatchObject({ status: "fresh" });
    await reloadRuntime();
    expect(await listCodes()).toEqual(["cus_greet", "cus_sum", "cus_test_1"]);
  });

  it("a group deny entry refuses the whole group", async () => {
    await addSource("examples", { denyPlugins: ["group:cus"] });
    const run = await sync();
    const sets = run.results[0].sets as { plugins: number; refused?: { reason: string }[] }[];
    expect(sets[0].plugins).toBe(0);
    expect(sets[0].refused).toHaveLength(3);
  });
});
