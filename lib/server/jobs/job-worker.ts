import "server-only";
import type PgBoss from "pg-boss";
import { getDatabase } from "../../db";
import { db } from "../../db";
import { logger } from "../../log";
import { executeNodeJob } from "../processes/execute-node-job";
import { failStoppedNode } from "../processes/fail-stopped-node";
import { getQueue, INSTANCE_ID, NODE_QUEUE, onWake, STOPPED_QUEUE, WAKE_CHANNEL, type NodeJobData } from "./queue";
import { runSettings } from "./run-settings";
import { processOnce } from "../../process-once";

/**
 * This instance's workers: up to PROCESS_WORKER_CONCURRENCY node jobs at once, fetched from pg-boss (SKIP LOCKED:
 * each job goes to one instance), plus the handler of jobs pg-boss gave up on. Our own fetch loop rather than
 * `boss.work()`, whose loop waits a full polling interval after every short job (a 1,000-node run would crawl):
 * this one fetches as many jobs as it has free slots, again as soon as one frees, and otherwise sleeps until
 * woken — by a job enqueued here, by PostgreSQL NOTIFY from another instance, or by the poll interval.
 */

interface Loop {
  stop(): Promise<void>;
  wake(): void;
}

type Handler = (job: PgBoss.JobWithMetadata<NodeJobData>) => Promise<"done" | "retry">;

function jobLoop(boss: PgBoss, queue: string, slots: number, pollMs: number, handle: Handler): Loop {
  let running = 0;
  let stopped = false;
  let wakeUp: (() => void) | null = null;
  let woken = false;
  const inFlight = new Set<Promise<void>>();
  const sleep = () =>
    new Promise<void>((resolve) => {
      if (woken) return resolve();
      const timer = setTimeout(() => done(), pollMs);
      const done = () => {
        clearTimeout(timer);
        wakeUp = null;
        resolve();
      };
      wakeUp = done;
    });
  const wake = () => {
    woken = true;
    wakeUp?.();
  };
  // Completions are sent in batches (one statement for several jobs): a job left active by a crash before its batch
  // went out expires and is fetched again, and its handler finds the node done.
  let completed: string[] = [];
  const flush = async () => {
    if (!completed.length) return;
    const ids = completed;
    completed = [];
    await boss.complete(queue, ids).catch((err: Error) => logger.error({ err, queue }, "cannot complete jobs"));
  };
  const run = async (job: PgBoss.JobWithMetadata<NodeJobData>) => {
    try {
      const outcome = await handle(job);
      if (outcome === "retry") await boss.fail(queue, job.id, { message: "attempt failed; retrying" });
      else completed.push(job.id);
    } catch (err) {
      // The handler records its own failures; this is the queue itself (e.g. the database went away).
      logger.error({ err, queue, job: job.id }, "job handling failed");
    }
  };
  const loop = (async () => {
    while (!stopped) {
      woken = false;
      const free = slots - running;
      // Fetch for two free slots at a time (one statement serves both), or for one when nothing runs.
      if (free >= Math.min(2, slots) || (free > 0 && running === 0)) {
        await flush();
        let jobs: PgBoss.JobWithMetadata<NodeJobData>[] = [];
        try {
          jobs = await boss.fetch<NodeJobData>(queue, { batchSize: free, includeMetadata: true });
        } catch (err) {
          if (!stopped) logger.error({ err, queue }, "cannot fetch jobs");
        }
        for (const job of jobs) {
          running++;
          const p = run(job).finally(() => {
            running--;
            inFlight.delete(p);
            wake();
          });
          inFlight.add(p);
        }
        // A full batch may mean more are waiting.
        if (jobs.length === free) continue;
      }
      if (!stopped) {
        await flush();
        if (!woken) await sleep();
      }
    }
  })();
  return {
    wake,
    async stop() {
      stopped = true;
      wake();
      await loop;
      await Promise.allSettled([...inFlight]);
      await flush();
    },
  };
}

/** Runs this instance executes nodes of, with the controllers that stop them. */
const watched = new Map<string, Set<AbortController>>();

function watch(runId: string, controller: AbortController): () => void {
  let set = watched.get(runId);
  if (!set) watched.set(runId, (set = new Set()));
  set.add(controller);
  return () => {
    set.delete(controller);
    if (!set.size) watched.delete(runId);
  };
}

/** Stops the nodes of watched runs that are no longer running (cancelled here or on another instance). */
async function checkCancelled(): Promise<void> {
  if (!watched.size) return;
  const ended = await (await db()).processRun.findMany({ where: { id: { in: [...watched.keys()] }, status: { not: "running" } }, select: { id: true } });
  for (const { id } of ended) for (const c of watched.get(id) ?? []) c.abort();
}

interface Workers {
  stop(): Promise<void>;
}

const workers = processOnce<Workers>("__opsflowWorkers", () => start());

/** Starts this instance's workers once (server start; tests and benchmarks call it too). */
export function startRunWorkers(): Promise<Workers> {
  return workers.get();
}

/** Stops them: no new job is fetched; nodes running here are waited for. */
export async function stopRunWorkers(): Promise<void> {
  const w = workers.take();
  if (w) await (await w).stop();
}

async function start(): Promise<Workers> {
  const s = runSettings();
  const boss = await getQueue();
  const nodes = jobLoop(boss, NODE_QUEUE, s.concurrency, s.pollMs, (job) => executeNodeJob(job.data, job.retryCount, { instance: INSTANCE_ID, watch }));
  const stopped = jobLoop(boss, STOPPED_QUEUE, 1, s.pollMs, async (job) => {
    await failStoppedNode(job.data);
    return "done";
  });
  const cancelCheck = () => void checkCancelled().catch((err) => logger.error({ err }, "cannot check for cancelled runs"));
  const offWake = onWake((what) => (what === "cancel" ? cancelCheck() : nodes.wake()));
  const poll = setInterval(cancelCheck, s.cancelPollMs);
  poll.unref();
  const unlisten = await listen((what) => (what === "cancel" ? cancelCheck() : nodes.wake()));
  return {
    async stop() {
      offWake();
      clearInterval(poll);
      await unlisten();
      await Promise.all([nodes.stop(), stopped.stop()]);
    },
  };
}

/**
 * PostgreSQL: LISTEN on the wake channel, so jobs enqueued and runs cancelled on another instance are acted on at
 * once. A lost connection only costs latency (the poll interval still applies); it is opened again.
 */
async function listen(on: (what: "jobs" | "cancel") => void): Promise<() => Promise<void>> {
  const database = await getDatabase();
  if (database.kind !== "postgres") return async () => undefined;
  const { Client } = await import("pg");
  let client: InstanceType<typeof Client> | null = null;
  let closed = false;
  const connect = async () => {
    if (closed) return;
    const c = new Client({ connectionString: database.url, application_name: "opsflow-listen" });
    c.on("notification", (n) => on(n.payload === "cancel" ? "cancel" : "jobs"));
    c.on("error", () => {
      client = null;
      void c.end().catch(() => undefined);
      setTimeout(() => void connect().catch(() => undefined), 1000).unref();
    });
    await c.connect();
    await c.query(`LISTEN ${WAKE_CHANNEL}`);
    client = c;
  };
  await connect().catch((err) => logger.warn({ err }, "cannot LISTEN for job notifications; polling only"));
  return async () => {
    closed = true;
    await client?.end().catch(() => undefined);
  };
}
