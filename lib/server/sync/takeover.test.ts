import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LogRecord } from "@/lib/log";
import { createTestDatabase } from "@/lib/test/database";

/**
 * kill -9 of a syncing `plugins:sync`: its run cannot log its own failure, so the sync that takes the expired lease
 * over writes the dead run's one ERROR line (the run's id and context, like every sync failure line). Two processes
 * share one database: PostgreSQL only (the embedded database serves one process).
 */

const EXAMPLES = path.resolve("examples/plugins");
const SET = { submodule: "custom_plugins", version: "1.0.0", importModules: ["custom_plugins.collections.test1"], position: 0 };

let database: Awaited<ReturnType<typeof createTestDatabase>>;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.close());

function cli(env: Record<string, string>) {
  const child = spawn(process.execPath, ["--conditions=react-server", "--import", "tsx", "scripts/plugins-sync.ts", "--no-activate"], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (d) => (stderr += d));
  child.stdout.resume();
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return Object.assign(child, { stderr: () => stderr, exited });
}

/** Asks `probe` again every 100 ms until it returns something (the test's own timeout bounds the wait). */
async function until<T>(probe: () => Promise<T | null | undefined | false>): Promise<T> {
  for (;;) {
    const value = await probe();
    if (value) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe.skipIf(!process.env.TEST_DATABASE_URL)("a sync process killed mid-run (PostgreSQL)", () => {
  it("the next sync's takeover writes exactly one ERROR line for the dead run", async () => {
    const slow = fs.mkdtempSync(path.join(os.tmpdir(), "opsflow-takeover-"));
    fs.cpSync(EXAMPLES, slow, { recursive: true });
    fs.writeFileSync(path.join(slow, "custom_plugins/collections/test1.js"), "while (true) {}\n"); // holds the run in describe
    await database.prisma.pluginSource.create({ data: { name: "slow", kind: "fs", settings: { path: slow }, pluginSets: { create: [SET] } } });
    const env = { DATABASE_URL: database.url!, DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), "opsflow-takeover-data-")), NODE_ENV: "development", SYNC_LEASE_TTL_MS: "1500", LOG_FORMAT: "json", LOG_LEVEL: "warn" };

    const first = cli(env);
    const dead = await until(() => database.prisma.syncRun.findFirst({ where: { status: "running" } }));
    first.kill("SIGKILL");
    await first.exited;
    await database.prisma.pluginSource.update({ where: { name: "slow" }, data: { settings: { path: EXAMPLES } } });
    await until(async () => (await database.prisma.$queryRaw<{ expired: boolean }[]>`SELECT "expiresAt" < now() AS expired FROM "SyncLease" WHERE id = 1`)[0].expired);

    const next = cli(env);
    expect(await next.exited, next.stderr()).toBe(0);
    const records = next.stderr().split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l) as LogRecord);
    const errors = records.filter((r) => r.level === "error");
    expect(errors).toEqual([
      expect.objectContaining({ runId: dead.id, trigger: "cli", generation: dead.generationId, message: "sync failed: the process running this sync stopped (its lease expired and was taken over)" }),
    ]);
    const run = await database.prisma.syncRun.findUniqueOrThrow({ where: { id: dead.id }, include: { logs: true } });
    expect(run.status).toBe("failed");
    expect(run.logs.filter((l) => l.level === "error").map((l) => l.message)).toEqual([errors[0].message]);
  }, 60_000);
});
