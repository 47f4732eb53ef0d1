/**
 * Telling "the database is not there" apart from a bug. Every request needs the database, so when it is down (or
 * has not been migrated), the API answers 503 with a JSON error and pages show the 503 page, instead of each
 * failure being a 500 "unexpected error".
 */

export type DatabaseProblem = "unreachable" | "migrations_pending";

/** Thrown by the connection when the database cannot be used at all (e.g. production with pending migrations). */
export class DatabaseUnavailableError extends Error {
  constructor(
    readonly problem: DatabaseProblem,
    message: string,
  ) {
    super(message);
    this.name = "DatabaseUnavailableError";
  }
}

// Prisma's codes: P1001 can't reach, P1002 timed out, P1008 operation timed out, P1017 server closed the
// connection; P2021/P2022 a table/column the schema expects does not exist (migrations not applied).
const PRISMA_UNREACHABLE = new Set(["P1001", "P1002", "P1008", "P1017"]);
const PRISMA_UNMIGRATED = new Set(["P2021", "P2022"]);
// Driver adapter error kinds (@prisma/driver-adapter-utils), as adapter-pg maps socket and server errors.
const KIND_UNREACHABLE = new Set([
  "DatabaseNotReachable",
  "ConnectionClosed",
  "SocketTimeout",
  "TooManyConnections",
  "DatabaseDoesNotExist",
  "DatabaseAccessDenied",
  "AuthenticationFailed",
  "TlsConnectionError",
]);
const KIND_UNMIGRATED = new Set(["TableDoesNotExist", "ColumnNotFound"]);
// Node socket errors (node-postgres' own connections, e.g. the migrator's session).
const SOCKET_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ENOTFOUND", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH", "EAI_AGAIN", "EPIPE"]);
// SQLSTATE classes/codes: 08 connection exception, 57P01–57P03 shutdown / cannot connect now, 53300 too many
// connections, 3D000 no such database, 28xxx authentication; 42P01/42703 undefined table/column.
const SQLSTATE_UNREACHABLE = /^(08|57P0[1-3]$|53300$|3D000$|28)/;
const SQLSTATE_UNMIGRATED = new Set(["42P01", "42703"]);

/** What is wrong with the database, if `err` says it is unreachable or unmigrated; null for any other error. */
export function databaseProblem(err: unknown): DatabaseProblem | null {
  for (let e = err, depth = 0; e && typeof e === "object" && depth < 6; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof DatabaseUnavailableError) return e.problem;
    // The error itself, and the driver adapter's error Prisma wraps in `meta` (adapter-pg and PGlite's differ).
    const adapter = (e as { meta?: { driverAdapterError?: { cause?: object } } }).meta?.driverAdapterError?.cause;
    for (const c of [e, adapter]) {
      const { code, kind, originalCode } = (c ?? {}) as { code?: unknown; kind?: unknown; originalCode?: unknown };
      for (const value of [code, originalCode]) {
        if (typeof value !== "string") continue;
        if (PRISMA_UNREACHABLE.has(value) || SOCKET_CODES.has(value) || SQLSTATE_UNREACHABLE.test(value)) return "unreachable";
        if (PRISMA_UNMIGRATED.has(value) || SQLSTATE_UNMIGRATED.has(value)) return "migrations_pending";
      }
      if (typeof kind === "string" && KIND_UNREACHABLE.has(kind)) return "unreachable";
      if (typeof kind === "string" && KIND_UNMIGRATED.has(kind)) return "migrations_pending";
    }
    // node-postgres' messages for a connection that went away mid-query carry no code.
    if (/Connection terminated|Can't reach database server|terminating connection due to administrator command/.test(String((e as Error).message))) {
      return "unreachable";
    }
  }
  return null;
}
