import { randomBytes } from "node:crypto";
import { Client } from "pg";
import { openDatabase, type Database } from "../db/connection";
import { setTestDatabase } from "../db";
import { applyMigrations } from "../db/migrate";

/**
 * A fresh, migrated database for one test file: in-memory PGlite, or, when TEST_DATABASE_URL is set, a scratch
 * database created on that PostgreSQL server and dropped by `close()`. Also installed as the process database.
 * `migrate: false` leaves it empty (tests of the migrations themselves).
 */
export async function createTestDatabase(opts: { migrate?: boolean } = {}): Promise<Database & { label: string; url?: string }> {
  const serverUrl = process.env.TEST_DATABASE_URL;
  const migrate = (database: Database) => (opts.migrate === false ? Promise.resolve([]) : database.withSession((s) => applyMigrations(s)));
  if (!serverUrl) {
    const database = await openDatabase({ kind: "pglite" });
    await migrate(database);
    setTestDatabase(database);
    return { ...database, label: "pglite" };
  }
  const name = `opsflow_test_${randomBytes(6).toString("hex")}`;
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const database = await openDatabase({ kind: "postgres", url: url.toString() });
  await migrate(database);
  setTestDatabase(database);
  return {
    ...database,
    label: "postgres",
    url: url.toString(),
    async close() {
      await database.close();
      setTestDatabase(undefined);
      const c = new Client({ connectionString: serverUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await c.end();
    },
  };
}
