import path from "node:path";
import { PrismaClient } from "@prisma/client";
import { lockDataDir } from "./lock";
import { noteUserWrite, USER_WRITE_OPERATIONS } from "./user-writes";

/** The minimal raw SQL surface the migrator needs, implemented for PGlite and node-postgres. */
export interface SqlSession {
  /** Runs one or more statements (simple protocol). */
  exec(sql: string): Promise<void>;
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
}

export interface Database {
  prisma: PrismaClient;
  kind: "pglite" | "postgres";
  /** PostgreSQL: the connection string (the job queue opens its own pool on it). */
  url?: string;
  /**
   * PGlite: SQL on its one connection, shared with Prisma (the job queue sends its statements through it). Without
   * parameters the text may hold several statements; the last one's rows are returned. `transaction` holds the
   * connection for `fn`, so nothing else runs inside it.
   */
  sql?: {
    query(text: string, values?: unknown[]): Promise<{ rows: unknown[] }>;
    transaction<T>(fn: (query: (text: string, values?: unknown[]) => Promise<{ rows: unknown[] }>) => Promise<T>): Promise<T>;
  };
  /** Runs `fn` on one dedicated connection (session-level advisory locks need that). */
  withSession<T>(fn: (s: SqlSession) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export type DatabaseOptions =
  | { kind: "pglite"; /** data directory; undefined = in memory (tests) */ dir?: string }
  | { kind: "postgres"; url: string };

/** Opens a database. Nothing connects before this is called: importing the module is free. */
export async function openDatabase(opts: DatabaseOptions): Promise<Database> {
  return opts.kind === "pglite" ? openPGlite(opts.dir) : openPostgres(opts.url);
}

async function openPGlite(dir?: string): Promise<Database> {
  const release = dir ? await lockDataDir(path.resolve(dir)) : undefined;
  try {
    const { PGlite } = await import("@electric-sql/pglite");
    const { PrismaPGlite } = await import("pglite-prisma-adapter");
    const pg = dir ? new PGlite(dir) : new PGlite();
    await pg.waitReady;
    const prisma = countingUserWrites(new PrismaClient({ adapter: new PrismaPGlite(pg) }));
    // PGlite is a single connection; its own queue serialises statements.
    const session: SqlSession = {
      exec: async (sql) => void (await pg.exec(sql)),
      query: async <T>(sql: string, params?: unknown[]) => (await pg.query<T>(sql, params as never[])).rows,
    };
    return {
      prisma,
      kind: "pglite",
      sql: {
        query: async (text, values) => (values?.length ? await pg.query(text, values as never[]) : ((await pg.exec(text)).at(-1) ?? { rows: [] })),
        transaction: (fn) => pg.transaction((tx) => fn(async (text, values) => (values?.length ? await tx.query(text, values as never[]) : ((await tx.exec(text)).at(-1) ?? { rows: [] })))),
      },
      withSession: (fn) => fn(session),
      async close() {
        await prisma.$disconnect();
        await pg.close();
        await release?.();
      },
    };
  } catch (err) {
    await release?.();
    throw err;
  }
}

async function openPostgres(url: string): Promise<Database> {
  const { PrismaPg } = await import("@prisma/adapter-pg");
  const { Client } = await import("pg");
  const prisma = countingUserWrites(new PrismaClient({ adapter: new PrismaPg({ connectionString: url }) }));
  return {
    prisma,
    kind: "postgres",
    url,
    async withSession(fn) {
      const client = new Client({ connectionString: url });
      await client.connect();
      try {
        return await fn({
          exec: async (sql) => void (await client.query(sql)),
          query: async <T>(sql: string, params?: unknown[]) => (await client.query(sql, params)).rows as T[],
        });
      } finally {
        await client.end();
      }
    },
    close: () => prisma.$disconnect(),
  };
}

/**
 * Bumps the user-write counter (user-writes.ts) after every write to the User table, so the short-lived cache of
 * the signed-in user (lib/server/auth/current-user.ts) never serves a row this process has changed. The extension
 * only wraps the `user` model's queries; the client keeps the plain client's surface, hence the cast.
 */
function countingUserWrites(prisma: PrismaClient): PrismaClient {
  return prisma.$extends({
    query: {
      user: {
        async $allOperations({ operation, args, query }) {
          if (!USER_WRITE_OPERATIONS.has(operation)) return query(args);
          try {
            return await query(args);
          } finally {
            // Also after a failed write: it may have been applied before the error reached us (a lost reply).
            noteUserWrite();
          }
        },
      },
    },
  }) as unknown as PrismaClient;
}
