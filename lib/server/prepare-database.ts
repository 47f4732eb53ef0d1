import { getDatabase, type Database } from "../db";
import { checkEnv } from "../env";
import { logger } from "../log";
import { checkAppSecret } from "../secrets";
import { bootstrap } from "./bootstrap";
import { reconcileFromEnv } from "./sources-file/reconcile-sources-file";

/**
 * The first steps of a server start, before anything is served: check the environment (every variable, one line
 * naming a bad one) and APP_SECRET, open the database (migrating
 * the embedded one, or PostgreSQL outside production), create the first admin and the example source on a new
 * database, and reconcile PLUGIN_SOURCES_FILE. Each step is safe when several instances run it at once.
 */
export async function prepareDatabase(): Promise<Database> {
  checkEnv();
  checkAppSecret();
  const database = await getDatabase();
  logger.info(`database: ${database.kind === "pglite" ? "embedded PGlite" : "PostgreSQL"}`);
  await bootstrap();
  // PLUGIN_SOURCES_FILE: sources (and the cache) declared in a file are reconciled before anything syncs.
  await reconcileFromEnv((line) => logger.info(line));
  return database;
}
