import { closeDatabase, db } from "../db";
import { logger } from "../log";
import { moveSecretInputs } from "./credentials/move-secret-inputs";
import { startRunWorkers, stopRunWorkers } from "./jobs/job-worker";
import { prepareDatabase } from "./prepare-database";
import { onRuntimeLoaded, reloadRuntime, startRuntime, stopRuntime } from "./runtime/runtime";
import { startSync } from "./sync/start-sync";

/**
 * Server start: check APP_SECRET, open the DB (migrating the embedded one), create the first admin
 * (prepare-database.ts), load the active generation from the cache (in the background: start-up never waits on the
 * cache or a remote), follow activations by polling, and execute process-run node jobs from the queue.
 * SYNC_ON_START=if-empty (default) runs a first sync when no generation exists yet, so a new install shows plugins.
 */
export async function startServer(): Promise<void> {
  try {
    await prepareDatabase();
  } catch (err) {
    // One clear line (e.g. the embedded DB is held by another process) and stop: nothing works without a DB.
    logger.error(`cannot start: ${(err as Error).message}`);
    process.exit(1);
  }
  // Secret inputs stored in plain text before credentials existed become credentials once the plugins say which
  // inputs are secret: after each load of a generation.
  onRuntimeLoaded((rt) => void moveSecretInputs(rt.registry).catch((err) => logger.error({ err }, "moving secret inputs into credentials failed")));
  startRuntime();
  void firstSync();
  // Process runs: this instance executes node jobs from the queue (any instance's runs).
  void startRunWorkers().catch((err) => logger.error(`process run workers not started: ${(err as Error).message}`));
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      stopRuntime();
      // Nodes running here get a moment to finish; the jobs of those that do not are expired and retried elsewhere.
      Promise.race([stopRunWorkers(), new Promise((r) => setTimeout(r, 10_000).unref())])
        .catch(() => undefined)
        .then(() => closeDatabase())
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
