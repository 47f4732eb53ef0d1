import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "@/lib/db/connection";
import { createTestDatabase } from "@/lib/test/database";
import { runFirstSync } from "../first-sync";
import { startSync } from "../sync/start-sync";
import { activateGeneration, rollBackGeneration } from "./activate-generation";

/**
 * Every activation is audited — actor, and from which generation to which — whoever activates: an admin, a sync
 * that activates what it built (the first start, "Sync now"), and the CLIs (release, plugins:sync) in processes
 * of their own.
 */

const EXAMPLES = path.resolve("examples/plugins");
const SET = { submodule: "custom_plugins", version: "1.0.0", importModules: ["custom_plugins.collections.test1"] };

let database: Awaited<ReturnType<typeof createTestDatabase>>;
beforeAll(async () => {
  database = await createTestDatabase();
  process.env.DATA_DIR = fs.mkdtempSync(path.join(os.tmpdir(), "opsflow-activate-"));
});
afterAll(() => database.close());

const activations = () =>
  database.prisma.auditEvent.findMany({ where: { action: "generation.activate" }, orderBy: { id: "asc" }, select: { actor: true, targetId: true, summary: true } });

/** The one enabled source of the test: a copy of the examples, changed by `touch` so a sync has something new. */
async function addSource(): Promise<{ touch: () => void }> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "opsflow-activate-src-"));
  fs.cpSync(EXAMPLES, root, { recursive: true });
  let n = 0;
  await database.prisma.pluginSource.deleteMany();
  await database.prisma.pluginSource.create({ data: { name: "examples", kind: "fs", settings: { path: root }, pluginSets: { create: [SET] } } });
  return { touch: () => fs.writeFileSync(path.join(root, SET.submodule, "note.txt"), `change ${++n}`) };
}

describe("activation in the server process", () => {
  it("the first start's sync is recorded with the trigger 'start' and its activation audited", async () => {
    await database.prisma.generation.updateMany({ where: { status: { in: ["active", "ready"] } }, data: { status: "deleted" } });
    await database.prisma.auditEvent.deleteMany();
    await addSource();
    const runId = await runFirstSync();
    const run = await database.prisma.syncRun.findUniqueOrThrow({ where: { id: runId! }, include: { generation: true } });
    expect(run).toMatchObject({ trigger: "start", actor: "system:first-start", status: "succeeded", generation: { status: "active" } });
    expect(await activations()).toEqual([{ actor: "system:first-start", targetId: String(run.generationId), summary: { from: null, to: run.generationId } }]);
    expect(await runFirstSync()).toBeNull(); // a generation exists now: no second first sync
  });

  it("a sync that activates, an admin's activation and a rollback are audited from → to", async () => {
    const source = await addSource();
    const sync = async (activate: boolean) => {
      source.touch();
      const { runId, done } = await startSync({ trigger: "admin", actor: "alice", activate });
      await done;
      return (await database.prisma.syncRun.findUniqueOrThrow({ where: { id: runId } })).generationId!;
    };
    const a = await sync(true);
    const b = await sync(false);
    await database.prisma.auditEvent.deleteMany();
    const c = await sync(true);
    await activateGeneration(b, "bob");
    await rollBackGeneration("carol");
    expect((await activations()).map((e) => [e.actor, e.summary])).toEqual([
      ["alice", { from: a, to: c }],
      ["bob", { from: c, to: b }],
      ["carol", { from: b, to: c }],
    ]);
  });
});

/** Runs a CLI as `npm run` does, in its own process on an embedded database of its own. */
function cli(script: string, env: Record<string, string>): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ["--conditions=react-server", "--import", "tsx", script], { env: { ...process.env, ...env }, timeout: 120_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, output: stdout + stderr }),
    );
  });
}

describe("activation by the CLIs", () => {
  it("release audits its activation (actor, from → to); plugins:sync finding nothing new makes and activates nothing", async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "opsflow-activate-cli-"));
    const file = path.join(dataDir, "sources.yaml");
    fs.writeFileSync(
      file,
      `sources:\n  - name: examples\n    kind: fs\n    path: ${JSON.stringify(EXAMPLES)}\n    pluginSets:\n      - submodule: ${SET.submodule}\n        version: "${SET.version}"\n        importModules: [${SET.importModules[0]}]\n`,
    );
    const env = { NODE_ENV: "development", DATABASE_URL: "", DATA_DIR: dataDir, PLUGIN_SOURCES_FILE: file, USER: "tester", LOG_LEVEL: "warn" };
    const release = await cli("scripts/release.ts", env);
    expect(release.code, release.output).toBe(0);
    const sync = await cli("scripts/plugins-sync.ts", env);
    expect(sync.code, sync.output).toBe(0);
    expect(sync.output).toMatch(/: unchanged \(no new generation\)/);
    const embedded = await openDatabase({ kind: "pglite", dir: path.join(dataDir, "pglite") });
    try {
      const runs = await embedded.prisma.syncRun.findMany({ orderBy: { startedAt: "asc" }, select: { actor: true, trigger: true, status: true, generationId: true } });
      expect(runs.map((r) => [r.trigger, r.actor, r.status])).toEqual([["cli", "release", "succeeded"], ["cli", "cli:tester", "unchanged"]]);
      const [first, second] = runs.map((r) => r.generationId);
      expect(second).toBeNull();
      expect(await embedded.prisma.generation.findMany({ select: { id: true, status: true } })).toEqual([{ id: first, status: "active" }]);
      const audited = await embedded.prisma.auditEvent.findMany({ where: { action: "generation.activate" }, orderBy: { id: "asc" }, select: { actor: true, summary: true } });
      expect(audited).toEqual([{ actor: "release", summary: { from: null, to: first } }]);
    } finally {
      await embedded.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }, 180_000);
});
