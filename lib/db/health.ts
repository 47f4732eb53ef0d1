import type { DatabaseProblem } from "./unavailable";

/**
 * That this process just saw the database fail (unreachable or unmigrated), for proxy.ts: for a moment after,
 * page requests are answered with the 503 page at once instead of each waiting for its own failure. The mark
 * lapses by itself; the next page then tries the database again (and marks it again if it is still gone).
 * An API request is never gated: it tries the database and answers 503 itself.
 *
 * Kept on globalThis: Next loads proxy.ts as its own bundle in the same process, so a module-level variable would
 * be a different one there. Type imports only, so the proxy bundle stays small.
 */
const KEY = Symbol.for("opsflow.database-health");
/** How long a failure answers for the database (a page retried within it gets the 503 page at once). */
export const DOWN_MARK_MS = 2_000;
type Health = { problem: DatabaseProblem | null; until: number };

function health(): Health {
  const g = globalThis as unknown as Record<symbol, Health | undefined>;
  return (g[KEY] ??= { problem: null, until: 0 });
}

/** What was wrong with the database a moment ago, or null (nothing failed, or the mark lapsed). */
export function databaseMarkedDown(now = Date.now()): DatabaseProblem | null {
  const h = health();
  return h.problem && now < h.until ? h.problem : null;
}

export function markDatabaseDown(problem: DatabaseProblem, now = Date.now()): void {
  Object.assign(health(), { problem, until: now + DOWN_MARK_MS });
}

export function markDatabaseUp(): void {
  Object.assign(health(), { problem: null, until: 0 });
}
