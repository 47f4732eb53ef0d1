/**
 * `npm run release`: the redeploy hook (CI/CD or a developer centre calls it before starting new instances).
 *   1. apply committed migrations (PostgreSQL via DATABASE_URL, or the embedded DB when no server holds it);
 *   2. reconcile PLUGIN_SOURCES_FILE when set (sources as code: all of the file's changes, or none);
 *   3. sync every enabled plugin source into a new cache generation and activate it.
 * Exit codes (scripts/exit-codes.ts): 0 when migrations applied and the sync succeeded or partly succeeded (failed
 * sets keep their last good copy; the warnings are printed); 1 when migrations failed or every source failed; 2 for
 * configuration the release cannot run with (an unusable variable or APP_SECRET, a database it cannot open, an
 * invalid sources file: every error printed, one per line, nothing synced); 75 when another sync is running.
 * Each with one clear line on stderr.
 */
import path from "node:path";
import { closeDatabase, getDatabase } from "../lib/db";
import { openDatabase } from "../lib/db/connection";
import { applyMigrations } from "../lib/db/migrate";
import { checkEnv, env } from "../lib/env";
import { firstLine } from "../lib/errors";
import { logger } from "../lib/log";
import { checkAppSecret } from "../lib/secrets";
import { reconcileFromEnv, SourcesFileError } from "../lib/server/sources-file/reconcile-sources-file";
import { findRunError } from "../lib/server/sync/find-sync-runs";
import { SyncBusyError, startSync } from "../lib/server/sync/start-sync";
import { EXIT } from "./exit-codes";

/** A problem of the configuration, not of the work: exit 2. */
class ConfigError extends Error {}
const asConfig = (err: unknown) => new ConfigError(firstLine(err));

async function migrate(): Promise<void> {
  let database;
  try {
    checkEnv(); // an unusable variable: one line, exit 2, before anything is touched
    // release prints its own progress lines; the structured log only adds warnings unless LOG_LEVEL says otherwise.
    logger.level = env.logLevel() ?? "warn";
    checkAppSecret(); // before touching the database: a release with an unusable secret would deploy a broken app
    const url = env.databaseUrl();
    database = url ? await openDatabase({ kind: "postgres", url }) : await openDatabase({ kind: "pglite", dir: path.join(env.dataDir(), "pglite") });
  } catch (err) {
    throw asConfig(err);
  }
  try {
    const applied = await database.withSession((s) => applyMigrations(s));
    console.log(applied.length ? `release: applied migrations ${applied.join(", ")}` : "release: database is up to date");
  } finally {
    await database.close();
  }
}

/** Applies PLUGIN_SOURCES_FILE (nothing when unset); 2 with every error printed when it cannot be applied. */
async function sourcesFile(): Promise<number> {
  await getDatabase();
  try {
    await reconcileFromEnv((line) => console.log(`release: ${line}`));
    return 0;
  } catch (err) {
    if (!(err instanceof SourcesFileError)) throw err;
    console.error(`release failed: ${err.header}`);
    for (const line of err.errors) console.error(line);
    return EXIT.usage;
  }
}

async function sync(): Promise<number> {
  await getDatabase();
  let started;
  try {
    started = await startSync({
      trigger: "cli",
      actor: "release",
      activate: true,
      onLog: (level, line, source) => console.log(`release: ${level === "error" ? "✗ " : ""}${source ? `${source}: ` : ""}${line}`),
    });
  } catch (err) {
    if (!(err instanceof SyncBusyError)) throw err;
    console.error(`release failed: ${err.line}`);
    return EXIT.busy;
  }
  const outcome = await started.done;
  if (!outcome || outcome.status === "failed") {
    const reason = outcome ? "every source failed" : await findRunError(started.runId);
    console.error(`release failed: plugin sync run ${started.runId} failed${reason ? ` (${reason})` : ""}; the previous generation stays active`);
    return EXIT.failed;
  }
  console.log(`release: plugin sync ${outcome.runStatus}, ${outcome.generation ? `generation ${outcome.generation} active` : "no new generation: the active one stays"}`);
  return EXIT.ok;
}

migrate()
  .then(sourcesFile)
  .then((code) => (code === EXIT.ok ? sync() : code))
  .catch((err: unknown) => {
    console.error(`release failed: ${firstLine(err)}`);
    return err instanceof ConfigError ? EXIT.usage : EXIT.failed;
  })
  .then(async (code) => {
    await closeDatabase().catch((err: unknown) => console.error(`release: closing the database failed: ${firstLine(err)}`));
    process.exit(code);
  });
