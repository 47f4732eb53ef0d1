import { createHash, randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { env } from "../env";
import type { SqlSession } from "./connection";

/**
 * Applies the committed migrations (prisma/migrations/<name>/migration.sql) from the app's own connection.
 *
 * Why not `prisma migrate deploy`: on these machines its driver-adapter path hangs on PGlite's timer, cannot
 * deserialize PostgreSQL's `name` columns with adapter-pg, and waits ~10 s per call. This does the same job the
 * same way on PGlite and PostgreSQL: one transaction per migration, recorded in Prisma's own `_prisma_migrations`
 * table (so `prisma migrate status` still reads it), under an advisory lock so concurrent instances apply each
 * migration once. A migration whose file changed after it was applied is refused (checksum mismatch).
 */

const LOCK_KEY = 72_917_001; // arbitrary, constant: "opsflow migrations"

export interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

export function migrationsDir(): string {
  // Read at run time from the deployed tree, not traced into the server bundle (env.ts resolves it untraced).
  return env.migrationsDir();
}

export function readMigrations(dir = migrationsDir()): Migration[] {
  return fs
    .readdirSync(/*turbopackIgnore: true*/ dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && fs.existsSync(path.join(dir, d.name, "migration.sql")))
    .map((d) => d.name)
    .sort()
    .map((name) => {
      const sql = fs.readFileSync(path.join(dir, name, "migration.sql"), "utf8");
      return { name, sql, checksum: createHash("sha256").update(sql).digest("hex") };
    });
}

const CREATE_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
  "id" VARCHAR(36) PRIMARY KEY NOT NULL,
  "checksum" VARCHAR(64) NOT NULL,
  "finished_at" TIMESTAMPTZ,
  "migration_name" VARCHAR(255) NOT NULL,
  "logs" TEXT,
  "rolled_back_at" TIMESTAMPTZ,
  "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
  "applied_steps_count" INTEGER NOT NULL DEFAULT 0
)`;

/** Names of migrations not yet applied. */
export async function pendingMigrations(s: SqlSession, all = readMigrations()): Promise<string[]> {
  await s.exec(CREATE_TABLE);
  const done = await s.query<{ migration_name: string }>(
    `SELECT migration_name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
  );
  const names = new Set(done.map((r) => r.migration_name));
  return all.filter((m) => !names.has(m.name)).map((m) => m.name);
}

/** Applies every pending migration; returns the names applied. */
export async function applyMigrations(s: SqlSession, all = readMigrations()): Promise<string[]> {
  await s.query("SELECT pg_advisory_lock($1)", [LOCK_KEY]);
  try {
    await s.exec(CREATE_TABLE);
    const rows = await s.query<{ migration_name: string; checksum: string }>(
      `SELECT migration_name, checksum FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
    );
    const applied = new Map(rows.map((r) => [r.migration_name, r.checksum]));
    const done: string[] = [];
    for (const m of all) {
      const previous = applied.get(m.name);
      if (previous) {
        if (previous !== m.checksum) {
          throw new Error(`migration ${m.name} was changed after it was applied; add a new migration instead`);
        }
        continue;
      }
      await s.exec("BEGIN");
      try {
        await s.exec(m.sql);
        await s.query(
          `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, finished_at, applied_steps_count)
           VALUES ($1, $2, $3, now(), 1)`,
          [randomUUID(), m.checksum, m.name],
        );
        await s.exec("COMMIT");
      } catch (err) {
        await s.exec("ROLLBACK");
        throw new Error(`migration ${m.name} failed and was rolled back: ${(err as Error).message}`);
      }
      done.push(m.name);
    }
    return done;
  } finally {
    await s.query("SELECT pg_advisory_unlock($1)", [LOCK_KEY]);
  }
}
