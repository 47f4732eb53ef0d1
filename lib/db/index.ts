import path from "node:path";
import type { PrismaClient } from "@prisma/client";
import { env } from "../env";
import { logger } from "../log";
import { openDatabase, type Database } from "./connection";
import { applyMigrations, pendingMigrations } from "./migrate";
import { DatabaseUnavailableError } from "./unavailable";
import { processOnce } from "../process-once";

export { DatabaseLockedError } from "./lock";
export type { Database } from "./connection";

// Kept on globalThis so Next's dev-mode module reloads reuse one connection (and one PGlite lock).
const shared = processOnce("__opsflowDb", connect);

/**
 * The process-wide database, opened on first use. Embedded PGlite (default) is migrated on open, so `npm run dev`
 * and `npm start` need no extra step. With DATABASE_URL, migrations are `npm run release`'s job in production;
 * in development they are applied on open as well.
 */
export function getDatabase(): Promise<Database> {
  return shared.get();
}

/** Shorthand for the Prisma client of getDatabase(). */
export async function db(): Promise<PrismaClient> {
  return (await getDatabase()).prisma;
}

async function connect(): Promise<Database> {
  const url = env.databaseUrl();
  const database = url
    ? await openDatabase({ kind: "postgres", url })
    : await openDatabase({ kind: "pglite", dir: path.join(env.dataDir(), "pglite") });
  try {
    await database.withSession(async (s) => {
      if (database.kind === "postgres" && env.isProduction()) {
        const pending = await pendingMigrations(s);
        if (pending.length) {
          throw new DatabaseUnavailableError("migrations_pending", `database has pending migrations (${pending.join(", ")}): run npm run release`);
        }
      } else {
        const applied = await applyMigrations(s);
        if (applied.length) logger.info(`applied migrations: ${applied.join(", ")}`);
      }
    });
  } catch (err) {
    await database.close();
    throw err;
  }
  return database;
}

/** Closes the process-wide database (CLI exit, tests). */
export async function closeDatabase(): Promise<void> {
  const pending = shared.take();
  if (pending) await (await pending).close();
}

/** Tests: make `db()` answer with a database the test opened (PGlite in memory or a scratch PostgreSQL DB). */
export function setTestDatabase(test: Database | undefined): void {
  shared.set(test);
}
