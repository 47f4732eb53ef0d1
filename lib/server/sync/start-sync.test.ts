import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { captureLogs } from "@/lib/log";
import { archiveKey, manifestKey, objectKey } from "@/lib/plugins/cache/types";
import { readManifest } from "@/lib/plugins/sync/manifest";
import { verifyGeneration } from "@/lib/plugins/__fixtures__/verify-generation";
import { writeObjectFormat } from "@/lib/plugins/__fixtures__/set-archives";
import { createTestDatabase } from "@/lib/test/database";
import { acquireLease, releaseLease } from "./lease";
import { openCache } from "./open-cache";
import { SyncBusyError, startSync } from "./start-sync";
import { englishSyncLog, syncLogText, syncLogTranslator } from "../../i18n/sync-log";
import type { SyncLogKey, SyncLogParams } from "../../plugins/log-line";

const EXAMPLES = path.resolve("examples/plugins");
const SET = { submodule: "custom_plugins", version: "1.0.0", importModules: ["custom_plugins.collections.test1", "custom_plugins/collections/greet.mjs"], position: 0 };

let database: Awaited<ReturnType<typeof createTestDatabase>>;

beforeAll(async () => {
  database = await createTestDatabase();
  process.env.SYNC_KEEP_GENERATIONS = "2";
});
afterAll(() => database.close());
beforeEach(async () => {
  // A fresh cache per test (the default FS cache under DATA_DIR).
  process.env.DATA_DIR = fs.mkdtempSync(path.join(os.tmpdir(), "opsflow-sync-db-"));
  await database.prisma.pluginSource.deleteMany();
});

async function addFsSource(name: string, root = EXAMPLES, enabled = true) {
  return database.prisma.pluginSource.create({
    data: { name, kind: "fs", settings: { path: root }, enabled, pluginSets: { create: [SET] } },
  });
}

describe("sync runs recorded in the database", () => {
  it("records the run, per-source results and logs, and activates the generation", async () => {
    await addFsSource("examples");
    await addFsSource("disabled", "/nowhere", false);
    const { runId, done } = await startSync({ trigger: "admin", actor: "alice", activate: true });
    const outcome = await done;
    expect(outcome?.status).toBe("succeeded");
    const run = await database.prisma.syncRun.findUniqueOrThrow({ where: { id: runId }, include: { results: true, logs: true, generation: true } });
    expect(run).toMatchObject({ status: "succeeded", trigger: "admin", actor: "alice", finishedAt: expect.any(Date) });
    expect(run.results.map((r) => [r.sourceName, r.status])).toEqual([["examples", "succeeded"]]); // disabled: skipped
    expect(run.logs.length).toBeGreaterThan(2);
    // Each line is stored as its key and parameters, with its English beside them (what older rows have alone).
    for (const l of run.logs) expect(englishSyncLog({ key: l.key as SyncLogKey, params: l.params as SyncLogParams }), l.message).toBe(l.message);
    const zh = syncLogTranslator("zh-CN");
    expect(run.logs.map((l) => syncLogText(zh, l)).at(-1)).toBe("同步结束：成功（1 个插件源中 1 个已同步，0 处冲突）");
    expect(run.generation).toMatchObject({ status: "active", plugins: 3, sets: 1, problems: 0 });
    const cache = await openCache();
    expect(await verifyGeneration(cache, await readManifest(cache, run.generation!.id))).toEqual([]);
  });

  it("refuses a second run while one holds the lease", async () => {
    const lease = await acquireLease(database.prisma, "someone-else");
    expect(lease).not.toBeNull();
    try {
      // The holder has recorded no run yet: the refusal says another sync is starting (never "run ?").
      await expect(startSync({ trigger: "cli", actor: "bob" })).rejects.toMatchObject({ constructor: SyncBusyError, runId: null, key: "sync.starting" });
      const other = await database.prisma.syncRun.create({ data: { trigger: "admin", actor: "someone-else" } });
      await database.prisma.syncLease.update({ where: { id: 1 }, data: { runId: other.id } });
      await expect(startSync({ trigger: "cli", actor: "bob" })).rejects.toMatchObject({ runId: other.id, key: "sync.busy", values: { run: other.id } });
    } finally {
      await releaseLease(database.prisma, "someone-else");
    }
  });

  it("takes over an expired lease and fails the run its dead holder left running", async () => {
    await addFsSource("examples");
    const dead = await database.prisma.syncRun.create({ data: { trigger: "cli", actor: "ghost" } });
    await database.prisma.syncLease.update({ where: { id: 1 }, data: { holder: "dead-host:1", runId: dead.id, expiresAt: new Date(Date.now() - 1000) } });
    const logs = captureLogs("info");
    try {
      const { done } = await startSync({ trigger: "cli", actor: "carol" });
      expect((await done)?.status).toBe("succeeded");
    } finally {
      logs.stop();
    }
    expect(await database.prisma.syncRun.findUniqueOrThrow({ where: { id: dead.id } })).toMatchObject({ status: "failed", error: expect.stringMatching(/lease expired/) });
    // The dead holder could not say so: the takeover writes its one ERROR line, with the dead run's id.
    expect(logs.records().filter((r) => r.level === "error")).toEqual([
      expect.objectContaining({ runId: dead.id, trigger: "cli", message: "sync failed: the process running this sync stopped (its lease expired and was taken over)" }),
    ]);
  });

  it("a base generation whose manifest cannot be read is not built on, and the run's log says why at WARN", async () => {
    await addFsSource("examples");
    const first = await startSync({ trigger: "cli", actor: "base", activate: true });
    await first.done;
    const { generationId } = await database.prisma.syncRun.findUniqueOrThrow({ where: { id: first.runId } });
    const cache = await openCache();
    fs.writeFileSync(path.join(cache.location, ...manifestKey(generationId!).split("/")), "{ not json");
    const second = await startSync({ trigger: "cli", actor: "base" });
    expect((await second.done)?.status).toBe("succeeded");
    const logs = await database.prisma.syncLog.findMany({ where: { runId: second.runId }, orderBy: { id: "asc" } });
    expect(logs.filter((l) => l.level === "warn").map((l) => l.message)).toEqual([
      expect.stringMatching(new RegExp(`^generation ${generationId} cannot be built on: its manifest in .+ cannot be read \\(.+\\)$`)),
    ]);
    expect(logs.some((l) => /building on generation/.test(l.message))).toBe(false);
  });

  it("keeps the active generation and the newest N, deleting older manifests and unreferenced archives and objects", async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "opsflow-gc-"));
    fs.cpSync(EXAMPLES, root, { recursive: true });
    await addFsSource("gc", root);
    const ids: number[] = [];
    for (let i = 0; i < 5; i++) {
      fs.writeFileSync(path.join(root, "custom_plugins", `note-${i}.txt`), `version ${i}`);
      fs.rmSync(path.join(root, "custom_plugins", `note-${i - 1}.txt`), { force: true });
      const { runId, done } = await startSync({ trigger: "cli", actor: "gc", activate: i === 0 });
      await done;
      ids.push((await database.prisma.syncRun.findUniqueOrThrow({ where: { id: runId } })).generationId!);
      // The active generation as an upgrade finds it: written before set archives, one object per file.
      if (i === 0) await writeObjectFormat(await openCache(), await readManifest(await openCache(), ids[0]), ids[0]);
    }
    const gens = await database.prisma.generation.findMany({ where: { id: { in: ids } }, orderBy: { id: "asc" } });
    expect(gens.map((g) => g.status)).toEqual(["active", "deleted", "deleted", "ready", "ready"]);
    const cache = await openCache();
    expect(await cache.has(manifestKey(ids[1]))).toBe(false);
    const kept = await Promise.all([ids[0], ids[3], ids[4]].map((id) => readManifest(cache, id)));
    for (const m of kept) expect(await verifyGeneration(cache, m)).toEqual([]);
    expect(kept[0].sets[0].archive).toBeUndefined();
    // Exactly what the kept generations reference: ids[3] and ids[4]'s archives, ids[0]'s objects.
    expect(await cache.list("archives/")).toEqual(kept.slice(1).map((m) => archiveKey(m.sets[0].archive!.sha256)).sort());
    expect(await cache.list("objects/")).toEqual([...new Set(kept[0].sets[0].files.map((f) => objectKey(f.sha256)))].sort());
  });
});

/** Runs the CLI as a separate process on the same PostgreSQL database. */
function cli(args: string[], envExtra: Record<string, string>): ChildProcess & { output: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, ["--conditions=react-server", "--import", "tsx", "scripts/plugins-sync.ts", ...args], {
    env: { ...process.env, ...envExtra },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout!.on("data", (d) => (out += d));
  child.stderr!.on("data", (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return Object.assign(child, { output: () => out, exited });
}

describe.skipIf(!process.env.TEST_DATABASE_URL)("several processes (PostgreSQL)", () => {
  let slowRoot: string;
  beforeAll(() => {
    // A set whose module loops at import: the describe host holds the run for its whole timeout.
    slowRoot = fs.mkdtempSync(path.join(os.tmpdir(), "opsflow-slow-"));
    fs.cpSync(EXAMPLES, slowRoot, { recursive: true });
    fs.writeFileSync(path.join(slowRoot, "custom_plugins/collections/test1.js"), "while (true) {}\n");
  });

  it("two processes started together: exactly one syncs, the other says one is in progress", async () => {
    await addFsSource("slow", slowRoot);
    const env = { DATABASE_URL: database.url!, DATA_DIR: process.env.DATA_DIR!, NODE_ENV: "development", SYNC_DESCRIBE_TIMEOUT_MS: "4000" };
    const a = cli(["--no-activate"], env);
    const b = cli(["--no-activate"], env);
    const codes = await Promise.all([a.exited, b.exited]);
    const outputs = [a.output(), b.output()];
    const busy = outputs.filter((o) => /another sync is in progress/.test(o));
    expect(busy).toHaveLength(1);
    expect(codes.sort((x, y) => (x ?? 0) - (y ?? 0))).toEqual([1, 75]); // the runner: a set failed (loop) → 1; the refused one: busy → 75
    expect(await database.prisma.syncRun.count({ where: { actor: { startsWith: "cli:" } } })).toBe(1);
  }, 60_000);

  it("SIGKILL mid-run: the next run takes over the lease and succeeds; no half generation is visible", async () => {
    await addFsSource("slow", slowRoot);
    const env = { DATABASE_URL: database.url!, DATA_DIR: process.env.DATA_DIR!, NODE_ENV: "development", SYNC_LEASE_TTL_MS: "1500" };
    const child = cli([], env);
    // Wait until the run is recorded and the describe host is spinning.
    let run = null;
    for (let i = 0; i < 100 && !run; i++) {
      await new Promise((r) => setTimeout(r, 100));
      run = await database.prisma.syncRun.findFirst({ where: { status: "running", actor: { startsWith: "cli:" } }, orderBy: { startedAt: "desc" } });
    }
    expect(run).not.toBeNull();
    child.kill("SIGKILL");
    await child.exited;
    await database.prisma.pluginSource.update({ where: { name: "slow" }, data: { settings: { path: EXAMPLES } } });
    await new Promise((r) => setTimeout(r, 1600)); // the dead holder's lease expires
    process.env.SYNC_LEASE_TTL_MS = "1500";
    try {
      const { done } = await startSync({ trigger: "cli", actor: "after-crash" });
      expect((await done)?.status).toBe("succeeded");
    } finally {
      delete process.env.SYNC_LEASE_TTL_MS;
    }
    const killed = await database.prisma.syncRun.findUniqueOrThrow({ where: { id: run!.id }, include: { generation: true } });
    expect(killed.status).toBe("failed");
    expect(killed.generation?.status).toBe("failed");
    const cache = await openCache();
    expect(await cache.has(manifestKey(killed.generationId!))).toBe(false);
  }, 60_000);
});
