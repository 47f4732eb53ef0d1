import { closeDatabase } from "../db";
import { firstLine } from "../errors";
import { logger } from "../log";
import { moveSecretInputs } from "./credentials/move-secret-inputs";
import { runFirstSync } from "./first-sync";
import { startRunWorkers, stopRunWorkers } from "./jobs/job-worker";
import { prepareDatabase } from "./prepare-database";
import { onRuntimeLoaded, startRuntime, stopRuntime } from "./runtime/runtime";
import { startScheduler, stopScheduler } from "./sync/scheduler";

/**
 * Server start: check the environment and APP_SECRET, open the DB (migrating the embedded one), create the first
 * admin (prepare-database.ts), load the active generation from the cache (in the background: start-up never
 * waits on the cache or a remote), follow activations by polling, and execute process-run node jobs from the
 * queue. SYNC_ON_START=if-empty (default) runs a first sync when no generation exists yet (first-sync.ts).
 */
export async function startServer(): Promise<void> {
  try {
    await prepareDatabase();
  } catch (err) {
    // One clear line (an unusable variable, the embedded DB held by another process…) and stop: nothing works without it.
    logger.error(`cannot start: ${firstLine(err)}`);
    process.exit(1);
  }
  // Secret inputs stored in plain text before credentials existed become credentials once the plugins say which
  // inputs are secret: after each load of a generation.
  onRuntimeLoaded((rt) => void moveSecretInputs(rt.registry).catch((err) => logger.error({ err }, "moving secret inputs into credentials failed")));
  startRuntime();
  void runFirstSync();
  // Scheduled syncs of sources with an interval (SYNC_SCHEDULER=on): every instance ticks, one claims each due time.
  startScheduler();
  // Process runs: this instance executes node jobs from the queue (any instance's runs).
  void startRunWorkers().catch((err) => logger.error(`process run workers not started: ${firstLine(err)}`));
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      stopRuntime();
      stopScheduler();
      // Nodes running here get a moment to finish; the jobs of those that do not are expired and retried elsewhere.
      Promise.race([stopRunWorkers(), new Promise((r) => setTimeout(r, 10_000).unref())])
        .catch((err: unknown) => logger.warn(`stopping the run workers failed: ${firstLine(err)}`))
        .then(() => closeDatabase())
        .catch((err: unknown) => logger.warn(`closing the database failed: ${firstLine(err)}`))
        .finally(() => process.exit(0));
    });
  }
}
