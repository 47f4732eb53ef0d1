import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase } from "../test/database";
import { applyMigrations, pendingMigrations, readMigrations } from "./migrate";
import { openDatabase } from "./connection";
import { DatabaseLockedError } from "./lock";

describe(`migrations (${process.env.TEST_DATABASE_URL ? "postgres" : "pglite"})`, () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database.close());

  it("applies every committed migration once and records it", async () => {
    const all = readMigrations();
    expect(all.length).toBeGreaterThan(0);
    await database.withSession(async (s) => {
      expect(await pendingMigrations(s)).toEqual([]);
      expect(await applyMigrations(s)).toEqual([]); // second run is a no-op
      const rows = await s.query<{ migration_name: string }>(`SELECT migration_name FROM "_prisma_migrations"`);
      expect(rows.map((r) => r.migration_name).sort()).toEqual(all.map((m) => m.name));
    });
    expect(await database.prisma.pluginSource.count()).toBe(0);
  });

  it("refuses a migration edited after it was applied", async () => {
    const edited = readMigrations().map((m, i) => (i === 0 ? { ...m, checksum: "0".repeat(64) } : m));
    await database.withSession(async (s) => {
      await expect(applyMigrations(s, edited)).rejects.toThrow(/was changed after it was applied/);
    });
  });

  it("rolls back a failing migration and leaves it pending", async () => {
    const bad = { name: "99999999999999_bad", sql: `CREATE TABLE "Half" (id int); SELECT nope FROM nowhere;`, checksum: "x" };
    const all = [...readMigrations(), bad];
    await database.withSession(async (s) => {
      await expect(applyMigrations(s, all)).rejects.toThrow(/99999999999999_bad failed and was rolled back/);
      expect(await pendingMigrations(s, all)).toEqual([bad.name]);
      const half = await s.query(`SELECT to_regclass('"Half"') AS t`);
      expect(half[0]).toEqual({ t: null });
    });
  });

  it("enforces a single cache configuration row", async () => {
    await expect(
      database.prisma.cacheConfig.create({ data: { id: 2, kind: "fs", settings: { path: "/x" } } }),
    ).rejects.toThrow();
  });
});

describe("embedded database lock", () => {
  it("refuses a second opener of the same data directory with a clear error", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "opsflow-lock-"));
    const first = await openDatabase({ kind: "pglite", dir: path.join(dir, "pglite") });
    try {
      await expect(openDatabase({ kind: "pglite", dir: path.join(dir, "pglite") })).rejects.toBeInstanceOf(
        DatabaseLockedError,
      );
    } finally {
      await first.close();
    }
    // released on close: a new opener succeeds
    const again = await openDatabase({ kind: "pglite", dir: path.join(dir, "pglite") });
    await again.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
