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

describe(`the case-insensitive names migration (${process.env.TEST_DATABASE_URL ? "postgres" : "pglite"})`, () => {
  const NAME = "20261201090000_case_insensitive_names";
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  beforeAll(async () => {
    database = await createTestDatabase({ migrate: false });
  });
  afterAll(() => database.close());

  it("refuses a database holding names that differ only in case, naming each, and changes nothing", async () => {
    const all = readMigrations();
    const before = all.slice(0, all.findIndex((m) => m.name === NAME));
    await database.withSession(async (s) => {
      await applyMigrations(s, before);
      await s.exec(`
        INSERT INTO "User" (id, username, "passwordHash", "updatedAt") VALUES ('u1', 'alice', 'x', now()), ('u2', 'ALICE', 'x', now()), ('u3', 'bob', 'x', now());
        INSERT INTO "PluginSource" (id, name, kind, settings, "updatedAt") VALUES ('s1', 'examples', 'fs', '{}', now()), ('s2', 'EXAMPLES', 'fs', '{}', now());
        INSERT INTO "Process" (id, name, graph, "createdBy", "updatedBy", "updatedAt") VALUES ('p1', 'Deploy', '{}', 'a', 'a', now()), ('p2', 'deploy', '{}', 'a', 'a', now());
      `);
      const refused = (await applyMigrations(s, all).catch((err: Error) => err)) as Error;
      expect(refused.message).toContain(`migration ${NAME} failed and was rolled back`);
      expect(refused.message).toMatch(/differ only in case: users "ALICE", "alice"; plugin sources "EXAMPLES", "examples"; processes "Deploy", "deploy"\. Rename all but one/);
      expect(await pendingMigrations(s, all)).toContain(NAME);
      const indexes = await s.query(`SELECT indexname FROM pg_indexes WHERE indexname LIKE '%_lower_key'`);
      expect(indexes).toEqual([]);

      // Renamed: the migration goes through, and the database refuses a new clash from then on.
      await s.exec(`UPDATE "User" SET username = 'alice2' WHERE id = 'u2'; DELETE FROM "PluginSource" WHERE id = 's2'; UPDATE "Process" SET name = 'Deploy 2' WHERE id = 'p2'`);
      expect(await applyMigrations(s, all)).toContain(NAME);
      await expect(s.exec(`INSERT INTO "User" (id, username, "passwordHash", "updatedAt") VALUES ('u4', 'Bob', 'x', now())`)).rejects.toThrow(/User_username_lower_key/);
    });
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
