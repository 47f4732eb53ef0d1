/**
 * `npm run release`: the redeploy hook (CI/CD or a developer centre calls it before starting new instances).
 *   1. apply committed migrations (PostgreSQL via DATABASE_URL, or the embedded DB when no server holds it);
 *   2. reconcile PLUGIN_SOURCES_FILE when set (sources as code: all of the file's changes, or none);
 *   3. sync every enabled plugin source into a new cache generation and activate it.
 * Exit 0 when migrations applied and the sync succeeded or partly succeeded (failed sets keep their last good
 * copy; the warnings are printed); 1 when migrations failed, the sources file is invalid (every error printed, one
 * per line; nothing synced) or every source failed; otherwise one clear line on stderr.
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
import { startSync } from "../lib/server/sync/start-sync";

async function migrate(): Promise<void> {
  checkEnv(); // an unusable variable: one line, exit 1, before anything is touched
  // release prints its own progress lines; the structured log only adds warnings unless LOG_LEVEL says otherwise.
  logger.level = env.logLevel() ?? "warn";
  checkAppSecret(); // before touching the database: a release with an unusable secret would deploy a broken app
  const url = env.databaseUrl();
  const database = url
    ? await openDatabase({ kind: "postgres", url })
    : await openDatabase({ kind: "pglite", dir: path.join(env.dataDir(), "pglite") });
  try {
    const applied = await database.withSession((s) => applyMigrations(s));
    console.log(applied.length ? `release: applied migrations ${applied.join(", ")}` : "release: database is up to date");
  } finally {
    await database.close();
  }
}

/** Applies PLUGIN_SOURCES_FILE (nothing when unset); 1 with every error printed when it cannot be applied. */
async function sourcesFile(): Promise<number> {
  await getDatabase();
  try {
    await reconcileFromEnv((line) => console.log(`release: ${line}`));
    return 0;
  } catch (err) {
    if (!(err instanceof SourcesFileError)) throw err;
    console.error(`release failed: ${err.header}`);
    for (const line of err.errors) console.error(line);
    return 1;
  }
}

async function sync(): Promise<number> {
  await getDatabase();
  const started = await startSync({
    trigger: "cli",
    actor: "release",
    activate: true,
    onLog: (level, line, source) => console.log(`release: ${level === "error" ? "✗ " : ""}${source ? `${source}: ` : ""}${line}`),
  });
  const outcome = await started.done;
  if (!outcome || outcome.status === "failed") {
    console.error(`release failed: plugin sync run ${started.runId} failed; the previous generation stays active`);
    return 1;
  }
  console.log(`release: plugin sync ${outcome.runStatus}, ${outcome.generation ? `generation ${outcome.generation} active` : "no new generation: the active one stays"}`);
  return 0;
}

migrate()
  .then(sourcesFile)
  .then((code) => (code === 0 ? sync() : code))
  .catch((err: unknown) => {
    console.error(`release failed: ${firstLine(err)}`);
    return 1;
  })
  .then(async (code) => {
    await closeDatabase().catch((err: unknown) => console.error(`release: closing the database failed: ${firstLine(err)}`));
    process.exit(code);
  });
