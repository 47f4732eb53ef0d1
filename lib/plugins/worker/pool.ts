import { existsSync } from "node:fs";
import { shippedFile } from "../shipped-file";
import os from "node:os";
import path from "node:path";
import { Piscina } from "piscina";
import type { PluginDescriptor } from "../contract";

/**
 * The execution pool of one generation: runs plugins' `execute(inputs, ctx)` in worker threads (piscina), never in
 * the calling thread, each task with a time limit, the threads with a heap cap and an empty environment. A plugin
 * that loops, exhausts its heap, throws or calls process.exit() fails its own run; the pool replaces a lost thread
 * and keeps serving.
 */

export interface ExecutionPoolOptions {
  /** Who the pool serves, e.g. "g00000042" (shown in errors; also the threads' workerData.pool). */
  name: string;
  /** Default min(4, available CPUs). */
  maxThreads?: number;
  /** Threads kept alive when idle. Default 1 (capped at maxThreads); more start on demand. */
  minThreads?: number;
  /** Threads above minThreads end after this long idle. Default 60 s. */
  idleTimeoutMs?: number;
  /** Each thread's old-generation heap cap. Default 128 MB. */
  heapMb?: number;
  /** Default time limit of one execution (a request may set its own). Default 30 s. */
  timeoutMs?: number;
  /** Executions allowed to wait for a thread; more fail at once ("the execution queue is full"). Default: no limit. */
  maxQueue?: number;
  /** Errors of the pool itself that belong to no execution (e.g. a thread failing while idle). Default: ignored. */
  onError?: (error: Error) => void;
}

export interface ExecutionRequest {
  /** Absolute path of the plugin module (inside the generation's materialised set). */
  file: string;
  descriptor: PluginDescriptor;
  /** Must be structured-cloneable (no functions, symbols, …). */
  inputs: Record<string, unknown>;
  runId?: string;
  nodeId?: string;
  /** Overrides the pool's timeoutMs. */
  timeoutMs?: number;
  /** The plugin set's directory: stack frames inside it are kept (relative), others dropped. Default: dirname(file). */
  root?: string;
}

export type ExecutionStatus = "succeeded" | "failed" | "timed_out" | "crashed";

export interface ExecutionResult {
  status: ExecutionStatus;
  /** The returned object (declared outputs it lacks set to null); null unless succeeded. */
  outputs: Record<string, unknown> | null;
  /** ctx.log and console lines (at most 500, 2,000 chars each). Lost when the thread had to be terminated. */
  logs: string[];
  /** One line, null when succeeded. */
  error: string | null;
  /** For an exception in plugin code: its first line and frames inside the plugin set. */
  stack?: string;
  /** Wall time of execute(), waiting for a thread included. */
  durationMs: number;
}

export interface ExecutionPoolStats {
  /** Live threads. */
  threads: number;
  /** Executions waiting for a thread. */
  queued: number;
  /** Executions handed to a thread and not finished. */
  running: number;
  /** Executions finished (any status) since the pool started. */
  completed: number;
}

export interface ExecutionPool {
  readonly name: string;
  execute(req: ExecutionRequest): Promise<ExecutionResult>;
  stats(): ExecutionPoolStats;
  /**
   * Stops accepting executions (new ones fail with "the execution pool is closed"). Graceful (default): waits for
   * every accepted execution, queued ones included, then ends the threads. `force`: queued executions fail
   * ("cancelled: …"), running ones are stopped (their threads terminated) and fail likewise.
   */
  close(opts?: { force?: boolean }): Promise<void>;
  readonly closed: boolean;
}

export const DEFAULT_EXECUTE_TIMEOUT_MS = 30_000;
export const DEFAULT_EXECUTE_HEAP_MB = 128;
const DEFAULT_IDLE_TIMEOUT_MS = 60_000;
/** Node caps timers at 2^31-1 ms (a larger delay fires after 1 ms). */
const MAX_TIMER_MS = 2_147_483_647;

/**
 * The worker script. `new URL("./execute-worker.mjs", import.meta.url)` works under node, tsx and vitest; a bundler
 * that rewrites it to something that is not an existing file (e.g. a Next server bundle) falls back to
 * `<cwd>/lib/plugins/worker/execute-worker.mjs`, so a deployment must ship that file next to the app.
 */
export function executeWorkerFile(): string {
  return shippedFile(import.meta.url, "worker/execute-worker.mjs");
}

/** What execute-worker.mjs returns. */
type WorkerResult =
  | { outputs: unknown; logs: string[] }
  | { error: { name: string; message: string; stack: string }; logs: string[] }
  | { timedOut: true; logs: string[] };

type Settled = Omit<ExecutionResult, "durationMs">;

interface Job {
  req: ExecutionRequest;
  timeoutMs: number;
  started: number;
  resolve: (r: ExecutionResult) => void;
  /** Set while the job runs on a thread. */
  controller?: AbortController;
  /** Why the job was stopped, if it was. */
  stopped?: "timeout" | "cancelled";
}

export function createExecutionPool(opts: ExecutionPoolOptions): ExecutionPool {
  const name = opts.name;
  const maxThreads = Math.max(1, Math.floor(opts.maxThreads ?? Math.min(4, availableCpus())));
  const minThreads = Math.min(maxThreads, Math.max(0, Math.floor(opts.minThreads ?? 1)));
  const heapMb = opts.heapMb ?? DEFAULT_EXECUTE_HEAP_MB;
  const defaultTimeoutMs = opts.timeoutMs ?? DEFAULT_EXECUTE_TIMEOUT_MS;
  const maxQueue = opts.maxQueue ?? Infinity;
  const onError = opts.onError ?? (() => {});

  const filename = executeWorkerFile();
  if (!existsSync(filename)) throw new Error(`the execute worker script is missing: ${filename}`);

  const piscina = new Piscina({
    // A run-time string: the Worker itself is constructed inside node_modules/piscina.
    filename,
    // NB: piscina's `name` is the handler's export name, not a pool name.
    name: "default",
    minThreads,
    maxThreads,
    idleTimeout: opts.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS,
    concurrentTasksPerWorker: 1,
    // The threads must not see the server's environment (secrets), its flags (--import tsx, --inspect, …) or argv.
    env: {},
    argv: [],
    execArgv: [],
    workerData: { pool: name },
    resourceLimits: { maxOldGenerationSizeMb: heapMb, maxYoungGenerationSizeMb: Math.min(16, heapMb), stackSizeMb: 4 },
    // Piscina's own queue is not used (see `waiting`); its histograms are not needed.
    recordTiming: false,
  });
  // A thread that fails while no task is on it makes piscina emit "error": without a listener that would throw.
  piscina.on("error", (e: Error) => onError(e));

  /** FIFO of accepted jobs waiting for a thread: a job is handed to piscina only when a thread slot is free, so
   *  its time limit counts from then, the order is kept and `maxQueue` holds (piscina skips its own queue limit
   *  for tasks with an abort signal). */
  const waiting: Job[] = [];
  const running = new Set<Job>();
  let completed = 0;
  let closing = false;
  let closeDone: Promise<void> | null = null;
  let drained: (() => void) | null = null;

  function finish(job: Job, result: Settled) {
    completed++;
    job.resolve({ ...result, durationMs: round(performance.now() - job.started) });
  }

  function pump() {
    while (running.size < maxThreads && waiting.length > 0) start(waiting.shift()!);
    if (closing && running.size === 0 && waiting.length === 0) drained?.();
  }

  function start(job: Job) {
    const { req, timeoutMs } = job;
    const controller = new AbortController();
    job.controller = controller;
    running.add(job);
    // The thread aborts ctx.signal at timeoutMs; a plugin that ignores it is stopped (thread terminated) a little
    // later, so a cooperative plugin can still return its logs.
    const grace = Math.min(1_000, Math.max(100, Math.round(timeoutMs / 10)));
    const timer = setTimeout(() => stop(job, "timeout"), Math.min(MAX_TIMER_MS, timeoutMs + grace));
    const task = {
      file: req.file,
      code: req.descriptor.code,
      version: req.descriptor.version,
      inputs: req.inputs,
      timeoutMs,
      runId: req.runId,
      nodeId: req.nodeId,
      root: req.root,
    };
    let promise: Promise<WorkerResult>;
    try {
      promise = piscina.run(task, { signal: controller.signal }) as Promise<WorkerResult>;
    } catch (e) {
      promise = Promise.reject(e);
    }
    promise.then(
      (r) => settle(job, timer, fromWorker(r, req.descriptor, timeoutMs)),
      (e) => settle(job, timer, fromFailure(e, job, heapMb, name)),
    );
  }

  function settle(job: Job, timer: NodeJS.Timeout, result: Settled) {
    clearTimeout(timer);
    if (!running.delete(job)) return;
    finish(job, result);
    pump();
  }

  function stop(job: Job, why: "timeout" | "cancelled") {
    if (!running.has(job) || job.stopped) return;
    job.stopped = why;
    // Aborting a task that runs terminates its thread; piscina starts another one when needed.
    job.controller?.abort(why);
  }

  return {
    name,
    get closed() {
      return closing;
    },
    execute(req) {
      const started = performance.now();
      return new Promise<ExecutionResult>((resolve) => {
        const timeoutMs = positive(req.timeoutMs) ?? positive(defaultTimeoutMs) ?? DEFAULT_EXECUTE_TIMEOUT_MS;
        const job: Job = { req, timeoutMs, started, resolve };
        const refuse = (error: string) => finish(job, { status: "failed", outputs: null, logs: [], error });
        if (closing) return refuse(`the execution pool ${name} is closed`);
        if (typeof req.file !== "string" || !path.isAbsolute(req.file)) {
          return refuse("the plugin module path must be absolute");
        }
        const bad = uncloneable(req.inputs);
        if (bad !== null) return refuse(`inputs cannot be sent to the worker: ${bad}`);
        if (running.size >= maxThreads && waiting.length >= maxQueue) {
          return refuse(`the execution queue is full (${maxQueue} waiting)`);
        }
        waiting.push(job);
        pump();
      });
    },
    stats() {
      return { threads: piscina.threads.length, queued: waiting.length, running: running.size, completed };
    },
    close({ force = false } = {}) {
      closing = true;
      if (force) {
        for (const job of waiting.splice(0)) {
          const error = `cancelled: the execution pool ${name} was closed`;
          finish(job, { status: "failed", outputs: null, logs: [], error });
        }
        for (const job of running) stop(job, "cancelled");
      }
      closeDone ??= (async () => {
        if (running.size > 0 || waiting.length > 0) await new Promise<void>((resolve) => (drained = resolve));
        await piscina.destroy();
      })();
      return closeDone;
    },
  };
}

// ---- results ------------------------------------------------------------------------------------------------

function fromWorker(r: WorkerResult, descriptor: PluginDescriptor, timeoutMs: number): Settled {
  const logs = Array.isArray(r?.logs) ? r.logs : [];
  if ("timedOut" in r) return { status: "timed_out", outputs: null, logs, error: `timed out after ${timeoutMs} ms` };
  if ("error" in r) {
    const { name, message, stack } = r.error;
    const error = name && name !== "Error" ? `${name}: ${message}` : message;
    return { status: "failed", outputs: null, logs, error, stack };
  }
  const checked = checkOutputs(r.outputs, descriptor);
  if (typeof checked === "string") return { status: "failed", outputs: null, logs, error: checked };
  return { status: "succeeded", outputs: checked, logs, error: null };
}

function fromFailure(e: unknown, job: Job, heapMb: number, pool: string): Settled {
  const base = { outputs: null, logs: [] as string[] };
  if (job.stopped === "timeout") return { ...base, status: "timed_out", error: `timed out after ${job.timeoutMs} ms` };
  if (job.stopped === "cancelled") {
    return { ...base, status: "failed", error: `cancelled: the execution pool ${pool} was closed` };
  }
  const err = e as (Error & { code?: string }) | undefined;
  if (err?.name === "DataCloneError") {
    return { ...base, status: "failed", error: `inputs cannot be sent to the worker: ${firstLine(err)}` };
  }
  if (err?.code === "ERR_WORKER_OUT_OF_MEMORY") {
    return { ...base, status: "crashed", error: `the plugin exceeded the memory limit (${heapMb} MB)` };
  }
  const exited = /^worker exited with code: (-?\d+)/.exec(err?.message ?? "");
  if (exited) return { ...base, status: "crashed", error: `the worker exited unexpectedly (code ${exited[1]})` };
  if (err?.message === "Terminating worker thread") {
    return { ...base, status: "crashed", error: "the worker was terminated" };
  }
  return { ...base, status: "crashed", error: `the worker failed: ${firstLine(e)}` };
}

const TYPE_CHECKS: Record<string, (v: unknown) => boolean> = {
  string: (v) => typeof v === "string",
  number: (v) => typeof v === "number" && Number.isFinite(v),
  boolean: (v) => typeof v === "boolean",
  object: (v) => typeof v === "object" && v !== null && !Array.isArray(v),
  array: (v) => Array.isArray(v),
  any: () => true,
};

/**
 * The returned value against the declared outputs: it must be an object (`undefined`, i.e. no return value, counts
 * as `{}`); a declared output that is present (not undefined/null) must have its type; a missing one becomes null.
 * Keys that are not declared are kept as returned.
 */
export function checkOutputs(
  value: unknown,
  descriptor: Pick<PluginDescriptor, "outputs">,
): Record<string, unknown> | string {
  if (value === undefined) value = {};
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return `execute must return an object (got ${kindOf(value)})`;
  }
  const outputs: Record<string, unknown> = { ...(value as Record<string, unknown>) };
  for (const field of descriptor.outputs ?? []) {
    const v = outputs[field.key];
    if (v === undefined || v === null) {
      outputs[field.key] = null;
      continue;
    }
    const type = field.type ?? "any";
    const check = TYPE_CHECKS[type] ?? TYPE_CHECKS.any;
    if (!check(v)) {
      const article = type === "array" || type === "object" ? "an" : "a";
      return `output "${field.key}" must be ${article} ${type} (got ${kindOf(v)})`;
    }
  }
  return outputs;
}

function kindOf(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  if (typeof v === "number" && !Number.isFinite(v)) return String(v);
  if (v === undefined) return "undefined";
  return typeof v === "object" ? "an object" : `a ${typeof v}`;
}

/** A path to the first function/symbol/… inside `inputs` that structured clone refuses, or null when it clones. */
function uncloneable(inputs: unknown): string | null {
  if (typeof inputs !== "object" || inputs === null || Array.isArray(inputs)) return "inputs must be an object";
  try {
    structuredClone(inputs);
    return null;
  } catch (e) {
    return `${findUncloneable(inputs, "inputs", new Set()) ?? "inputs"}: ${firstLine(e)}`;
  }
}

function findUncloneable(v: unknown, at: string, seen: Set<unknown>): string | null {
  if (typeof v === "function" || typeof v === "symbol") return at;
  if (typeof v !== "object" || v === null || seen.has(v)) return null;
  seen.add(v);
  for (const [k, child] of Object.entries(v)) {
    const found = findUncloneable(child, Array.isArray(v) ? `${at}[${k}]` : `${at}.${k}`, seen);
    if (found !== null) return found;
  }
  return null;
}

function firstLine(e: unknown): string {
  let text: string;
  try {
    text = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  } catch {
    text = "unknown error";
  }
  return text.split("\n", 1)[0].trim().slice(0, 500);
}

function positive(n: number | undefined): number | undefined {
  return typeof n === "number" && Number.isFinite(n) && n > 0 ? n : undefined;
}

function availableCpus(): number {
  return typeof os.availableParallelism === "function" ? os.availableParallelism() : os.cpus().length || 1;
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
