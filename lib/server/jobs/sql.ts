import "server-only";
import { getDatabase, type Database } from "../../db";

/**
 * Plain SQL for the hot path of process runs (claiming a node, recording its outcome, enqueueing the next ones),
 * beside Prisma: a model query costs about 2 ms of CPU here (its query compiler), a raw one through Prisma 0.65 ms,
 * the same statement on node-postgres 0.2 ms — and a 1,000-node run makes several per node (BENCHMARKS.md P12).
 * PostgreSQL: a small pool of its own; PGlite: its one connection, shared with Prisma. Statements use $1…$n.
 */

export type Query = (text: string, values?: unknown[]) => Promise<{ rows: unknown[] }>;

export interface Sql {
  query<T = Record<string, unknown>>(text: string, values?: unknown[]): Promise<T[]>;
  /** Runs `fn` in one transaction (committed when it resolves, rolled back when it throws). */
  transaction<T>(fn: (query: Query) => Promise<T>): Promise<T>;
}

const g = globalThis as unknown as { __opsflowSql?: { database: Database; sql: Sql; end(): Promise<void> } };

export async function sql(): Promise<Sql> {
  const database = await getDatabase();
  if (g.__opsflowSql?.database !== database) {
    const previous = g.__opsflowSql;
    g.__opsflowSql = { database, ...(await open(database)) };
    void previous?.end().catch(() => undefined);
  }
  return g.__opsflowSql.sql;
}

/** Closes the pool (server stop, tests). */
export async function closeSql(): Promise<void> {
  const current = g.__opsflowSql;
  g.__opsflowSql = undefined;
  await current?.end();
}

async function open(database: Database): Promise<{ sql: Sql; end(): Promise<void> }> {
  if (database.kind === "pglite") {
    const lite = database.sql!;
    return {
      sql: {
        query: async <T>(text: string, values?: unknown[]) => (await lite.query(text, values)).rows as T[],
        transaction: (fn) => lite.transaction(fn),
      },
      end: async () => undefined,
    };
  }
  const { Pool } = await import("pg");
  const pool = new Pool({ connectionString: database.url, max: 8, application_name: "opsflow-runs" });
  pool.on("error", () => undefined); // an idle client lost: the pool makes a new one
  return {
    sql: {
      query: async <T>(text: string, values?: unknown[]) => (await pool.query(text, values)).rows as T[],
      async transaction(fn) {
        const client = await pool.connect();
        try {
          await client.query("BEGIN");
          const out = await fn(async (text, values) => ({ rows: (await client.query(text, values)).rows }));
          await client.query("COMMIT");
          return out;
        } catch (err) {
          await client.query("ROLLBACK").catch(() => undefined);
          throw err;
        } finally {
          client.release();
        }
      },
    },
    end: () => pool.end(),
  };
}
