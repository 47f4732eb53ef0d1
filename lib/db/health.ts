/**
 * Whether this process last saw the database fail (unreachable or unmigrated), for proxy.ts: while it is marked
 * down, page requests are answered by the 503 page (app/unavailable), which probes the database and clears the
 * mark once it answers again. An API request is not gated: it tries the database and answers 503 itself.
 *
 * Kept on globalThis: Next loads proxy.ts as its own bundle in the same process, so a module-level variable would
 * be a different one there. No imports, so the proxy bundle stays small.
 */
const KEY = Symbol.for("opsflow.database-health");
type Health = { down: boolean };

function health(): Health {
  const g = globalThis as unknown as Record<symbol, Health | undefined>;
  return (g[KEY] ??= { down: false });
}

export const isDatabaseMarkedDown = (): boolean => health().down;

export function markDatabaseDown(): void {
  health().down = true;
}

export function markDatabaseUp(): void {
  health().down = false;
}
