import { closeDatabase } from "../db";
import { firstLine } from "../errors";
import { logger } from "../log";
import { runFirstSync } from "./first-sync";
import { prepareDatabase } from "./prepare-database";
import { failInterruptedRuns } from "./processes/fail-interrupted-runs";
import { startRuntime, stopRuntime } from "./runtime/runtime";

/**
 * Server start: check the environment and APP_SECRET, open the DB (migrating the embedded one), create the first
 * admin (prepare-database.ts), load the active generation from the cache (in the background: start-up never
 * waits on the cache or a remote), and follow activations by polling. SYNC_ON_START=if-empty (default) runs a
 * first sync when no generation exists yet (first-sync.ts).
 */
export async function startServer(): Promise<void> {
  try {
    const database = await prepareDatabase();
    if (database.kind === "pglite") {
      const interrupted = await failInterruptedRuns();
      if (interrupted) logger.warn(`${interrupted} process run(s) interrupted by the last stop marked failed`);
    }
  } catch (err) {
    // One clear line (an unusable variable, the embedded DB held by another process…) and stop: nothing works without it.
    logger.error(`cannot start: ${firstLine(err)}`);
    process.exit(1);
  }
  startRuntime();
  void runFirstSync();
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      stopRuntime();
      closeDatabase()
        .catch((err: unknown) => logger.warn(`closing the database failed: ${firstLine(err)}`))
        .finally(() => process.exit(0));
    });
  }
}
