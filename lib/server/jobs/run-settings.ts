import "server-only";
import { readEnv } from "../../env";
import { DEFAULT_MAX_HOSTS } from "../../plugins/host/pool";

/**
 * Settings of process runs on the job queue, from the one environment schema (lib/env.ts; README, configuration
 * table). Read on each call (cheap, memoised there) so tests and instances started with other values see theirs.
 */

export interface RunSettings {
  /** Node jobs one instance executes at once (default: its plugin hosts). */
  concurrency: number;
  /** How often idle workers look for jobs when nothing woke them. */
  pollMs: number;
  /** A job running longer than this is taken for dead (its instance stopped): retried or failed. */
  expireSeconds: number;
  /** How often expired jobs are looked for (one instance does it per interval). */
  maintenanceSeconds: number;
  retryDelaySeconds: number;
  /** How often an instance checks whether a run it executes was cancelled (PGlite; PostgreSQL is also told at once). */
  cancelPollMs: number;
  /** Processes one user may own. */
  maxProcessesPerUser: number;
  /** Runs one user may start per minute. */
  runsPerMinute: number;
  /** Connections of the queue's own pool (PostgreSQL). */
  queueConnections: number;
}

export function runSettings(): RunSettings {
  const e = readEnv();
  const timeoutS = Math.ceil((e.PLUGIN_TIMEOUT_MS ?? 30_000) / 1000);
  const concurrency = e.PROCESS_WORKER_CONCURRENCY ?? e.PLUGIN_MAX_HOSTS ?? DEFAULT_MAX_HOSTS;
  return {
    concurrency,
    pollMs: e.PROCESS_QUEUE_POLL_MS ?? 1000,
    // A live instance ends a node at its time limit; it may first wait that long for a plugin host (fair sharing).
    expireSeconds: e.PROCESS_NODE_EXPIRE_SECONDS ?? 2 * timeoutS + 10,
    maintenanceSeconds: e.PROCESS_QUEUE_MAINTENANCE_SECONDS ?? 10,
    retryDelaySeconds: 1,
    cancelPollMs: e.PROCESS_CANCEL_POLL_MS ?? 1000,
    maxProcessesPerUser: e.PROCESS_MAX_PER_USER ?? 200,
    runsPerMinute: e.PROCESS_RUNS_PER_MINUTE ?? 60,
    queueConnections: Math.min(20, concurrency + 3),
  };
}
