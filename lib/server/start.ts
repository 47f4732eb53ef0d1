import { closeDatabase, db } from "../db";
import { logger } from "../log";
import { prepareDatabase } from "./prepare-database";
import { failInterruptedRuns } from "./processes/fail-interrupted-runs";
import { reloadRuntime, startRuntime, stopRuntime } from "./runtime/runtime";
import { startSync } from "./sync/start-sync";

/**
 * Server start: check APP_SECRET, open the DB (migrating the embedded one), create the first admin
 * (prepare-database.ts), load the active generation from the cache (in the background: start-up never waits on the
 * cache or a remote), and follow activations by polling.
 * SYNC_ON_START=if-empty (default) runs a first sync when no generation exists yet, so a new install shows plugins.
 */
export async function startServer(): Promise<void> {
  try {
    const database = await prepareDatabase();
    if (database.kind === "pglite") {
      const interrupted = await failInterruptedRuns();
      if (interrupted) logger.warn(`${interrupted} process run(s) interrupted by the last stop marked failed`);
    }
  } catch (err) {
    // One clear line (e.g. the embedded DB is held by another process) and stop: nothing works without a DB.
    logger.error(`cannot start: ${(err as Error).message}`);
    process.exit(1);
  }
  startRuntime();
  void firstSync();
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      stopRuntime();
      closeDatabase()
        .catch(() => undefined)
        .finally(() => process.exit(0));
    });
  }
}

async function firstSync(): Promise<void> {
  if ((process.env.SYNC_ON_START?.trim() || "if-empty") !== "if-empty") return;
  try {
    const prisma = await db();
    if ((await prisma.generation.count({ where: { status: { in: ["active", "ready"] } } })) > 0) return;
    if ((await prisma.pluginSource.count({ where: { enabled: true } })) === 0) return;
    const { runId, done } = await startSync({ trigger: "cli", actor: "system:first-start", activate: true });
    logger.info({ runId }, `no plugin generation yet: first sync started (run ${runId})`);
    await done;
    await reloadRuntime();
  } catch (err) {
    logger.error(`first sync not started: ${(err as Error).message}`);
  }
}
