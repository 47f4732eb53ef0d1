import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "@/lib/db/connection";
import { applyMigrations } from "@/lib/db/migrate";
import { runCli } from "./__fixtures__/run-cli";

/**
 * `npm run plugins:sync` and `npm run release`, run as npm runs them, on an embedded database in a data dir of
 * their own: 0 ok, 1 failures, 2 usage or configuration, 75 busy (another sync holds the lease; its run named).
 */

const EXAMPLES = path.resolve("examples/plugins");
const SET = { submodule: "custom_plugins", version: "1.0.0", importModules: ["custom_plugins.collections.test1"], position: 0 };
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "opsflow-exit-"));
const env = { DATABASE_URL: "", NODE_ENV: "development", LOG_LEVEL: "warn" };
const run = (args: string[], extra: Record<string, string> = {}) => runCli(args, dataDir, { ...env, ...extra });

/** Opens the data dir's database (the CLIs are not running then: it has one process at a time), does `fn`, closes it. */
async function withDb<T>(fn: (prisma: Awaited<ReturnType<typeof openDatabase>>["prisma"]) => Promise<T>): Promise<T> {
  const database = await openDatabase({ kind: "pglite", dir: path.join(dataDir, "pglite") });
  try {
    await database.withSession((s) => applyMigrations(s));
    return await fn(database.prisma);
  } finally {
    await database.close();
  }
}

beforeAll(async () => {
  await withDb(async (prisma) => {
    await prisma.pluginSource.create({ data: { name: "good", kind: "fs", settings: { path: EXAMPLES }, pluginSets: { create: [SET] } } });
    await prisma.pluginSource.create({ data: { name: "broken", kind: "fs", settings: { path: path.join(dataDir, "nowhere") }, pluginSets: { create: [SET] } } });
  });
}, 60_000);
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

const SYNC = ["scripts/plugins-sync.ts", "--no-activate"];

describe("plugins:sync exit codes", () => {
  it("0 when every source synced", async () => {
    const r = await run([...SYNC, "--source", "good"]);
    expect(r.code, r.stderr).toBe(0);
  }, 60_000);

  it("1 when a source failed (the log says why at ERROR), or the run itself failed (one line says why)", async () => {
    const r = await run([...SYNC, "--source", "broken"]);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout.trim().split("\n").at(-1)).toMatch(/^run \S+: failed \(no new generation\)$/);
    expect(r.stderr).toMatch(/ERROR: source failed: directory .+nowhere does not exist/);
    const unknown = await run([...SYNC, "--source", "missing"]);
    expect(unknown.code, unknown.stderr).toBe(1);
    expect(unknown.stderr.trim().split("\n").at(-1)).toMatch(/^plugins:sync: run \S+ failed: no enabled source named missing$/);
  }, 60_000);

  it("2 for a usage error", async () => {
    const r = await run([...SYNC, "--bogus"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/usage: npm run plugins:sync/);
  }, 60_000);

  it("75 while another sync holds the lease, naming its run; 'starting' while it has recorded none yet", async () => {
    const held = await withDb(async (prisma) => {
      const other = await prisma.syncRun.create({ data: { trigger: "admin", actor: "elsewhere" } });
      await prisma.syncLease.update({ where: { id: 1 }, data: { holder: "other-host:1", runId: other.id, expiresAt: new Date(Date.now() + 3_600_000) } });
      return other.id;
    });
    try {
      for (const [name, args] of [["plugins:sync", SYNC], ["release", ["scripts/release.ts"]]] as const) {
        const r = await run([...args]);
        expect(r.code, `${name}: ${r.stderr}`).toBe(75);
        expect(r.stderr.trim().split("\n").at(-1), name).toBe(`${name === "release" ? "release failed" : "plugins:sync"}: another sync is in progress (run ${held}); try again when it has finished`);
      }
      await withDb((prisma) => prisma.syncLease.update({ where: { id: 1 }, data: { runId: null } }));
      const r = await run(SYNC);
      expect(r.code, r.stderr).toBe(75);
      expect(r.stderr.trim()).toBe("plugins:sync: another sync is starting; try again when it has finished");
      expect(r.stderr).not.toMatch(/unknown|run \?/);
    } finally {
      await withDb((prisma) => prisma.syncLease.update({ where: { id: 1 }, data: { holder: null, runId: null, expiresAt: new Date() } }));
    }
  }, 120_000);
});

describe("release exit codes", () => {
  it("0 when the sync succeeded or partly succeeded", async () => {
    const r = await run(["scripts/release.ts"]);
    expect(r.code, r.stderr).toBe(0);
  }, 60_000);

  it("1 when every source failed", async () => {
    await withDb((prisma) => prisma.pluginSource.update({ where: { name: "good" }, data: { enabled: false } }));
    try {
      const r = await run(["scripts/release.ts"]);
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr.trim().split("\n").at(-1)).toMatch(/^release failed: plugin sync run \S+ failed \(every source failed\); the previous generation stays active$/);
    } finally {
      await withDb((prisma) => prisma.pluginSource.update({ where: { name: "good" }, data: { enabled: true } }));
    }
  }, 60_000);

  it("2 for a configuration error: an unusable variable, an invalid sources file", async () => {
    expect((await run(["scripts/release.ts"], { LOG_LEVEL: "verbose" })).code).toBe(2);
    const file = path.join(dataDir, "sources.yaml");
    fs.writeFileSync(file, "sources: [{ name: 1 }]\n");
    const r = await run(["scripts/release.ts"], { PLUGIN_SOURCES_FILE: file });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/^release failed: /);
  }, 60_000);
});
