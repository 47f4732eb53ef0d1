import fs from "node:fs";
import lockfile from "proper-lockfile";
import { logger } from "../log";

/** Thrown when another process holds the embedded database. */
export class DatabaseLockedError extends Error {
  constructor(dir: string) {
    super(
      `The embedded database in ${dir} is open in another Opsflow process (a running server?). ` +
        "PGlite cannot be shared between processes: stop that process, or do the work through it " +
        "(the admin pages or its API), or set DATABASE_URL to use PostgreSQL.",
    );
    this.name = "DatabaseLockedError";
  }
}

/**
 * Takes an exclusive, crash-safe lock on the embedded database directory. PGlite has no inter-process lock of its
 * own: two processes on one data dir both "work" and one's writes are lost. proper-lockfile keeps an mtime-refreshed
 * lock directory, so a lock left by a killed process goes stale and is taken over after `staleMs`. The lock is
 * refreshed every 5 s and goes stale after 30 s: a holder whose event loop stalls (PGlite's start-up on a loaded
 * machine blocked it for over 10 s, and a second opener then took the lock) keeps it.
 * Returns the release function.
 */
export async function lockDataDir(dir: string, staleMs = 30_000): Promise<() => Promise<void>> {
  fs.mkdirSync(dir, { recursive: true });
  try {
    return await lockfile.lock(dir, {
      stale: staleMs,
      update: Math.max(1000, Math.min(5_000, Math.floor(staleMs / 2))),
      realpath: false,
      lockfilePath: `${dir}.lock`,
      onCompromised: (err) => {
        // Another process broke our lock (we were stalled past `stale`): stop before writes get lost.
        logger.fatal(`lock on ${dir} compromised: ${err.message}; exiting to protect the data`);
        process.exit(1);
      },
    });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ELOCKED") throw new DatabaseLockedError(dir);
    throw err;
  }
}
