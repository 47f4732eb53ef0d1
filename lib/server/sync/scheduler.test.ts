import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { openDatabase } from "@/lib/db/connection";
import { createTestDatabase } from "@/lib/test/database";
import { acquireLease, releaseLease } from "./lease";
import { BACKOFF_CAP_MS, BUSY_RETRY_MS, claimDue, nextDelayMs, tickScheduler } from "./scheduler";

/** Scheduled syncs with a fake clock: nothing here waits for real time to pass. */

const EXAMPLES = path.resolve("examples/plugins");
const SET = { submodule: "custom_plugins", version: "1.0.0", importModules: ["custom_plugins.collections.test1"], position: 0 };
const MIN = 60_000;
const T0 = new Date("2026-12-01T12:00:00.000Z");
const at = (minutes: number) => new Date(T0.getTime() + minutes * MIN);

let database: Awaited<ReturnType<typeof createTestDatabase>>;

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.close());
beforeEach(async () => {
  process.env.DATA_DIR = fs.mkdtempSync(path.join(os.tmpdir(), "opsflow-schedule-"));
  await database.prisma.pluginSource.deleteMany();
  await database.prisma.syncRun.deleteMany();
});

const addSource = (name: string, data: { syncIntervalMinutes?: number | null; enabled?: boolean; root?: string } = {}) =>
  database.prisma.pluginSource.create({
    data: { name, kind: "fs", settings: { path: data.root ?? EXAMPLES }, enabled: data.enabled ?? true, syncIntervalMinutes: "syncIntervalMinutes" in data ? data.syncIntervalMinutes : 5, pluginSets: { create: [SET] } },
  });
const source = (name: string) => database.prisma.pluginSource.findUniqueOrThrow({ where: { name } });
const scheduledRuns = () => database.prisma.syncRun.findMany({ where: { trigger: "schedule" }, orderBy: { startedAt: "asc" } });

/** One tick at fake time `now` with no jitter, waiting for the run it started (if any). */
async function tick(now: Date) {
  const result = await tickScheduler({ now: () => now, random: () => 0 });
  await result.done;
  return result;
}

describe("delays", () => {
  it("interval × 2^failures, capped at 6 h (or the interval when longer), plus at most 10% jitter", () => {
    expect(nextDelayMs(5, 0, () => 0)).toBe(5 * MIN);
    expect(nextDelayMs(5, 1, () => 0)).toBe(10 * MIN);
    expect(nextDelayMs(5, 3, () => 0)).toBe(40 * MIN);
    expect(nextDelayMs(5, 30, () => 0)).toBe(BACKOFF_CAP_MS);
    expect(nextDelayMs(10_080, 4, () => 0)).toBe(10_080 * MIN);
    expect(nextDelayMs(5, 0, () => 0.999)).toBe(5 * MIN + Math.floor(0.999 * 0.5 * MIN));
    expect(nextDelayMs(600, 0, () => 0.999)).toBe(600 * MIN + Math.floor(0.999 * 5 * MIN)); // jitter ≤ 5 min
  });
});

describe("one instance, fake clock", () => {
  it("arms a new interval, syncs that source alone when due, and not again before the next due time", async () => {
    await addSource("scheduled");
    await addSource("manual", { syncIntervalMinutes: null });
    expect((await tick(T0)).claimed).toEqual([]);
    expect((await source("scheduled")).nextSyncAt).toEqual(at(5));
    expect((await source("manual")).nextSyncAt).toBeNull();
    expect((await tick(at(4))).claimed).toEqual([]);
    const due = await tick(at(5));
    expect(due.claimed).toEqual(["scheduled"]);
    const runs = await scheduledRuns();
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ id: due.runId, onlySources: ["scheduled"], actor: "system:schedule", status: "succeeded" });
    expect(await source("scheduled")).toMatchObject({ lastAttemptAt: at(5), lastSuccessAt: at(5), nextSyncAt: at(10), syncFailures: 0 });
    expect((await tick(at(9))).claimed).toEqual([]);
    expect((await tick(at(10))).claimed).toEqual(["scheduled"]);
    expect(await scheduledRuns()).toHaveLength(2);
  });

  it("backs off exponentially after failures and resets on success", async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "opsflow-schedule-src-"));
    await addSource("flaky", { root: path.join(root, "missing") });
    await tick(T0);
    await tick(at(5)); // fails: the directory does not exist
    expect(await source("flaky")).toMatchObject({ syncFailures: 1, lastAttemptAt: at(5), lastSuccessAt: null, nextSyncAt: at(5 + 10) });
    expect((await tick(at(14))).claimed).toEqual([]);
    await tick(at(15));
    expect(await source("flaky")).toMatchObject({ syncFailures: 2, nextSyncAt: at(15 + 20) });
    fs.cpSync(EXAMPLES, path.join(root, "missing"), { recursive: true });
    await tick(at(35));
    expect(await source("flaky")).toMatchObject({ syncFailures: 0, lastSuccessAt: at(35), nextSyncAt: at(40) });
    expect((await scheduledRuns()).map((r) => r.status)).toEqual(["failed", "failed", "succeeded"]);
  });

  it("never schedules a disabled source", async () => {
    await addSource("off", { enabled: false, syncIntervalMinutes: 1 });
    for (const minutes of [0, 1, 2, 60, 24 * 60]) expect((await tick(at(minutes))).claimed).toEqual([]);
    expect(await source("off")).toMatchObject({ nextSyncAt: null, lastAttemptAt: null });
    expect(await scheduledRuns()).toEqual([]);
  });

  it("a due time read by two instances at once is claimed by exactly one (compare-and-set on the time read)", async () => {
    await addSource("scheduled");
    await tick(T0);
    const dueA = await database.prisma.pluginSource.findMany({ where: { name: "scheduled" } });
    const dueB = await database.prisma.pluginSource.findMany({ where: { name: "scheduled" } }); // the same, stale once A claims
    expect((await claimDue(database.prisma, dueA, at(5), () => 0)).map((r) => r.name)).toEqual(["scheduled"]);
    expect(await claimDue(database.prisma, dueB, at(5), () => 0)).toEqual([]);
    expect((await source("scheduled")).nextSyncAt).toEqual(at(10));
  });

  it("a sync already running postpones the due time briefly, without counting a failure", async () => {
    await addSource("scheduled");
    await tick(T0);
    const lease = await acquireLease(database.prisma, "someone-else");
    expect(lease).not.toBeNull();
    try {
      expect((await tick(at(5))).claimed).toEqual([]);
    } finally {
      await releaseLease(database.prisma, "someone-else");
    }
    expect(await source("scheduled")).toMatchObject({ syncFailures: 0, lastAttemptAt: null, nextSyncAt: new Date(at(5).getTime() + BUSY_RETRY_MS) });
    expect(await scheduledRuns()).toEqual([]);
  });
});

describe.skipIf(!process.env.TEST_DATABASE_URL)("two instances on one PostgreSQL", () => {
  const run = promisify(execFile);
  /** One tick of a separate process at fake time `now`. */
  const instance = async (now: Date): Promise<{ claimed: string[]; runId: string | null }> => {
    const { stdout } = await run(process.execPath, ["--conditions=react-server", "--import", "tsx", "lib/server/sync/__fixtures__/schedule-instance.ts", now.toISOString()], {
      env: { ...process.env, DATABASE_URL: database.url!, NODE_ENV: "development", LOG_LEVEL: "silent" },
    });
    return JSON.parse(stdout.trim().split("\n").at(-1)!);
  };

  it("two connections ticking at the same instant: the compare-and-set lets exactly one claim the due time", async () => {
    await addSource("scheduled");
    await tick(T0);
    const other = await openDatabase({ kind: "postgres", url: database.url! });
    try {
      const ticks = await Promise.all([database.prisma, other.prisma, database.prisma, other.prisma].map((prisma) => tickScheduler({ prisma, now: () => at(5), random: () => 0 })));
      await Promise.all(ticks.map((t) => t.done));
      expect(ticks.flatMap((t) => t.claimed)).toEqual(["scheduled"]);
      expect(await scheduledRuns()).toHaveLength(1);
      expect(await source("scheduled")).toMatchObject({ nextSyncAt: at(10), syncFailures: 0 });
    } finally {
      await other.close();
    }
  });

  it("exactly one run per due time: both instances tick at the same moments, one claims each", async () => {
    await addSource("scheduled");
    await tick(T0); // armed: due at T0 + 5 min
    for (const minutes of [5, 10]) {
      const results = await Promise.all([instance(at(minutes)), instance(at(minutes))]);
      expect(results.map((r) => r.claimed.length).sort()).toEqual([0, 1]);
      expect(await source("scheduled")).toMatchObject({ nextSyncAt: at(minutes + 5), lastSuccessAt: at(minutes) });
    }
    const runs = await scheduledRuns();
    expect(runs).toHaveLength(2);
    // The second finds what the first activated: "unchanged" is a success too.
    expect(runs.map((r) => r.status)).toEqual(["succeeded", "unchanged"]);
  }, 120_000);
});
