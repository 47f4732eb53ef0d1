import { closeDatabase, getDatabase } from "../db";
import { bootstrap } from "./bootstrap";

/** Opens the DB, bootstraps the first admin, and closes the DB cleanly on SIGINT/SIGTERM (PGlite flushes). */
export async function startServer(): Promise<void> {
  try {
    const database = await getDatabase();
    console.info(`[opsflow] database: ${database.kind === "pglite" ? "embedded PGlite" : "PostgreSQL"}`);
    await bootstrap();
  } catch (err) {
    // Print one clear line (e.g. the embedded DB is held by another process) and stop: nothing works without a DB.
    console.error(`[opsflow] cannot start: ${(err as Error).message}`);
    process.exit(1);
  }
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      closeDatabase()
        .catch(() => undefined)
        .finally(() => process.exit(0));
    });
  }
}
