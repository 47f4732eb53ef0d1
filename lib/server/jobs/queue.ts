import "server-only";
import { hostname } from "node:os";
import { randomBytes } from "node:crypto";
import type { Prisma } from "@prisma/client";
import PgBoss from "pg-boss";
import { getDatabase, type Database } from "../../db";
import { logger } from "../../log";
import { runSettings } from "./run-settings";
import { closeSql, type Query } from "./sql";

/**
 * The job queue of process runs: pg-boss 10 in the application's own database, PostgreSQL or the embedded PGlite
 * alike (on PGlite pg-boss sends its SQL through the one PGlite connection Prisma uses). Each plugin node of a run
 * is one job on NODE_QUEUE; a job whose instance stopped is expired by pg-boss' maintenance, retried when the node
 * allows it, and otherwise moved to STOPPED_QUEUE, whose handler fails the node with the reason.
 */

export const NODE_QUEUE = "process-node";
export const STOPPED_QUEUE = "process-node-stopped";
/** The schema pg-boss keeps its tables in. */
export const QUEUE_SCHEMA = "pgboss";

export interface NodeJobData {
  runId: string;
  nodeId: string;
}

/** This instance's name in run records ("which instance ran the node"): host, pid and a random tag. */
export const INSTANCE_ID = `${hostname()}:${process.pid}:${randomBytes(3).toString("hex")}`;

const g = globalThis as unknown as { __opsflowQueue?: { database: Database; boss: Promise<PgBoss> } };

/** The started queue for the process database (started on first use; pg-boss creates its schema if needed). */
export async function getQueue(): Promise<PgBoss> {
  const database = await getDatabase();
  if (g.__opsflowQueue?.database !== database) g.__opsflowQueue = { database, boss: startQueue(database) };
  return g.__opsflowQueue.boss;
}

async function startQueue(database: Database): Promise<PgBoss> {
  const s = runSettings();
  const common = {
    schema: QUEUE_SCHEMA,
    // Expiry is found by the maintenance pass: its interval bounds how long a dead instance's node stays running.
    maintenanceIntervalSeconds: s.maintenanceSeconds,
    monitorStateIntervalSeconds: 60,
    schedule: false,
    // Finished jobs are kept a day (run records hold what matters), then deleted.
    archiveCompletedAfterSeconds: 3600,
    deleteAfterDays: 1,
  };
  const boss = database.kind === "postgres"
    ? new PgBoss({ ...common, connectionString: database.url!, max: s.queueConnections, application_name: "opsflow-queue" })
    : new PgBoss({ ...common, db: { executeSql: (text: string, values?: unknown[]) => database.sql!.query(text, values) } });
  boss.on("error", (err: Error & { code?: string }) => {
    // 57P01: the server ended an idle connection (a restart, a dropped database); the pool opens another.
    if (err.code === "57P01") logger.warn(`job queue: ${err.message}`);
    else logger.error({ err }, "job queue error");
  });
  await boss.start();
  // The queue that expired jobs move to must exist first (it is the dead letter of the other).
  for (const name of [STOPPED_QUEUE, NODE_QUEUE]) {
    if (!(await boss.getQueue(name))) {
      await boss.createQueue(name, name === NODE_QUEUE ? { name, deadLetter: STOPPED_QUEUE, retryLimit: 0 } : { name, retryLimit: 2 }).catch(async (err: Error) => {
        // Another instance created it at the same moment.
        if (!(await boss.getQueue(name))) throw err;
      });
    }
  }
  return boss;
}

/** Stops the queue and closes the runs' SQL pool (server stop, tests); running handlers are not waited for. */
export async function stopQueue(): Promise<void> {
  const current = g.__opsflowQueue;
  g.__opsflowQueue = undefined;
  if (current) await (await current.boss).stop({ graceful: false, wait: true, close: true }).catch(() => undefined);
  await closeSql();
}

/** SQL inside a Prisma transaction, for enqueueNodes (a run's start writes its rows with Prisma). */
export const prismaQuery = (tx: Prisma.TransactionClient): Query => async (text, values = []) => ({ rows: await tx.$queryRawUnsafe(text, ...values) });

export interface NodeJob extends NodeJobData {
  /** Attempts after the first (the node's retry policy). */
  retries: number;
}

/**
 * Enqueues node jobs in the caller's transaction (`query` runs in it): a job exists exactly when the change that made
 * the node ready is committed.
 */
export async function enqueueNodes(query: Query, jobs: NodeJob[]): Promise<void> {
  if (!jobs.length) return;
  const boss = await getQueue();
  const s = runSettings();
  await boss.insert(
    jobs.map((j) => ({
      name: NODE_QUEUE,
      data: { runId: j.runId, nodeId: j.nodeId } satisfies NodeJobData,
      retryLimit: j.retries,
      retryDelay: s.retryDelaySeconds,
      expireInSeconds: s.expireSeconds,
      deadLetter: STOPPED_QUEUE,
    })),
    { db: { executeSql: (text: string, values?: unknown[]) => query(text, values) } },
  );
  // Delivered at commit: workers on other instances (listening, see job-worker.ts) fetch now, not at their next poll.
  // (A row, not pg_notify's void: Prisma's raw queries cannot read a void column.)
  if ((await getDatabase()).kind === "postgres") await query(`SELECT 1 AS sent FROM (SELECT pg_notify('${WAKE_CHANNEL}', '')) AS n`);
}

/** The PostgreSQL channel that wakes workers: '' = jobs were enqueued, 'cancel' = a run was cancelled. */
export const WAKE_CHANNEL = "opsflow_process_jobs";

/** Listeners woken when this instance enqueued jobs or cancelled a run (its own workers act at once). */
const wakers = new Set<(what: "jobs" | "cancel") => void>();
export function onWake(fn: (what: "jobs" | "cancel") => void): () => void {
  wakers.add(fn);
  return () => wakers.delete(fn);
}
/** Call after the transaction that enqueued (or cancelled) committed: a worker woken earlier would find nothing. */
export function wakeWorkers(what: "jobs" | "cancel" = "jobs"): void {
  for (const w of wakers) w(what);
}
