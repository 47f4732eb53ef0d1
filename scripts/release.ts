/**
 * `npm run release`: the deploy hook (CI/CD or a developer centre calls it before starting new instances).
 * 1. apply committed migrations (PostgreSQL via DATABASE_URL, or the embedded DB when no server holds it);
 * Exits non-zero with one clear line on failure.
 */
import path from "node:path";
import { openDatabase } from "../lib/db/connection";
import { applyMigrations } from "../lib/db/migrate";
import { env } from "../lib/env";

async function main(): Promise<void> {
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

main().then(
  () => process.exit(0),
  (err: Error) => {
    console.error(`release failed: ${err.message}`);
    process.exit(1);
  },
);
