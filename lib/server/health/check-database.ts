import "server-only";
import { db } from "../../db";
import { readMigrations } from "../../db/migrate";
import { databaseProblem, type DatabaseProblem } from "../../db/unavailable";

/** Migrations committed with this build: read once (the deployed tree does not change under a running server). */
let committed: string[] | undefined;

/**
 * Whether the database answers (`SELECT 1` within `timeoutMs`) and has every migration this build ships:
 * "migrations_pending" (an empty or older database, e.g. restored from a backup) is told apart from
 * "unreachable". Read-only: unlike the migrator it creates nothing, not even the migrations table.
 */
export async function checkDatabase(timeoutMs = 2000): Promise<"ok" | DatabaseProblem> {
  try {
    return await withTimeout(
      (async () => {
        const prisma = await db();
        await prisma.$queryRaw`SELECT 1`;
        committed ??= readMigrations().map((m) => m.name);
        const rows = await prisma.$queryRaw<{ migration_name: string }[]>`
          SELECT migration_name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`;
        const applied = new Set(rows.map((r) => r.migration_name));
        return committed.every((name) => applied.has(name)) ? "ok" : "migrations_pending";
      })(),
      timeoutMs,
    );
  } catch (err) {
    // No migrations table at all is the same story (42P01); any other failure means no usable answer.
    return databaseProblem(err) === "migrations_pending" ? "migrations_pending" : "unreachable";
  }
}

export function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
