import path from "node:path";
import type { PluginDescriptor } from "../contract";
import { DEFAULT_FETCH_MAX_BYTES, DEFAULT_FETCH_TIMEOUT_MS, type EgressPolicy } from "./egress";
import { ExecuteHost, type CallOutcome, type HostLimits } from "./execute-host-process";
import { FairQueue } from "./fair-queue";
import { settle, uncloneable } from "./results";

export { checkOutputs } from "./results";

/**
 * The execution pool of one generation: runs plugins' `execute(inputs, ctx)` in plugin hosts — confined child
 * processes (see confinement.ts), never in the server process. A host serves one plugin set (it may read that
 * set's files only) and runs one call at a time; hosts are started on demand, kept warm while idle for a while,
 * and at most `maxHosts` live at once (an idle host of another set makes room). Waiting calls are served fairly
 * between users, each at most `maxPerUser` running (fair-queue.ts). A plugin that loops, exhausts its heap,
 * throws, exits or breaks the protocol fails its own call; its host is ended and replaced when needed.
 */

export interface ExecutionPoolOptions {
  /** Who the pool serves, e.g. "g42" (shown in errors). */
  name: string;
  /** Hosts alive at once (= calls running at once). Default 4. */
  maxHosts?: number;
  /** Calls one user may have running at once. Default half of maxHosts (at least 1). */
  maxPerUser?: number;
  /** An idle host ends after this long. Default 60 s. */
  idleTimeoutMs?: number;
  /** Each host's old-generation heap cap. Default 128 MB. */
  heapMb?: number;
  /** Default time limit of one call (a request may set its own). Default 30 s. */
  timeoutMs?: number;
  /** Calls allowed to wait; more fail at once ("the execution queue is full"). Default: no limit. */
  maxQueue?: number;
  /** ctx.log lines kept per call. Default 500. */
  maxLogLines?: number;
  /** Largest outputs per call (serialised bytes). Default 1 MiB. */
  maxOutputBytes?: number;
  /** The policy ctx.fetch runs under. Default: nothing private allowed, 5 MiB, 30 s. */
  egress?: EgressPolicy;
}

export interface ExecutionRequest {
  /** Absolute path of the plugin module (inside the generation's materialised set). */
  file: string;
  /** The plugin set's directory: what the host may read, its cwd, and where kept stack frames are relative to. Default: dirname(file). */
  root?: string;
  descriptor: PluginDescriptor;
  /** Must be structured-cloneable (no functions, symbols, …). */
  inputs: Record<string, unknown>;
  runId?: string;
  nodeId?: string;
  /** Overrides the pool's timeoutMs. */
  timeoutMs?: number;
  /** Who asked (a user id): the unit of fair sharing. Default: "system". */
  user?: string;
  /** Cancels the call: a waiting one never starts, a running one is stopped (status "cancelled"). */
  signal?: AbortSignal;
}

export type ExecutionStatus = "succeeded" | "failed" | "timed_out" | "crashed" | "cancelled";

export interface ExecutionResult {
  status: ExecutionStatus;
  /** The returned object (declared outputs it lacks set to null); null unless succeeded. */
  outputs: Record<string, unknown> | null;
  /** ctx.log and console lines (capped). */
  logs: string[];
  /** One line, null when succeeded. */
  error: string | null;
  /** For an exception in plugin code: its first line and frames inside the plugin set. */
  stack?: string;
  /** Wall time of the call, waiting for a host included. */
  durationMs: number;
}

export interface ExecutionPoolStats {
  /** Live hosts. */
  hosts: number;
  /** Calls waiting for a host. */
  queued: number;
  /** Calls on a host. */
  running: number;
  /** Calls finished (any status) since the pool started. */
  completed: number;
}

export interface ExecutionPool {
  readonly name: string;
  execute(req: ExecutionRequest): Promise<ExecutionResult>;
  stats(): ExecutionPoolStats;
  /**
   * Stops accepting calls ("the execution pool is closed"). Graceful (default): waits for every accepted call,
   * waiting ones included, then ends the hosts. `force`: waiting calls fail ("cancelled: …"), running ones are
   * stopped (their hosts ended) and fail likewise.
   */
  close(opts?: { force?: boolean }): Promise<void>;
  readonly closed: boolean;
}

export const DEFAULT_EXECUTE_TIMEOUT_MS = 30_000;
export const DEFAULT_EXECUTE_HEAP_MB = 128;
export const DEFAULT_MAX_HOSTS = 4;
const DEFAULT_IDLE_TIMEOUT_MS = 60_000;
/** Node caps timers at 2^31-1 ms. */
const MAX_TIMER_MS = 2_147_483_647;

export type Settled = Omit<ExecutionResult, "durationMs">;

interface Job {
  req: ExecutionRequest;
  root: string;
  timeoutMs: number;
  started: number;
  resolve: (r: ExecutionResult) => void;
  host?: ExecuteHost;
  /** Why the call was stopped, if it was. */
  stopped?: "timeout" | "cancelled" | "closed";
}

export function createExecutionPool(opts: ExecutionPoolOptions): ExecutionPool {
  const name = opts.name;
  const maxHosts = Math.max(1, Math.floor(opts.maxHosts ?? DEFAULT_MAX_HOSTS));
  const maxPerUser = Math.max(1, Math.floor(opts.maxPerUser ?? Math.max(1, Math.floor(maxHosts / 2))));
  const defaultTimeoutMs = positive(opts.timeoutMs) ?? DEFAULT_EXECUTE_TIMEOUT_MS;
  const idleTimeoutMs = opts.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
  const maxQueue = opts.maxQueue ?? Infinity;
  const limits: HostLimits = {
    heapMb: opts.heapMb ?? DEFAULT_EXECUTE_HEAP_MB,
    maxLogLines: opts.maxLogLines ?? 500,
    maxOutputBytes: opts.maxOutputBytes ?? 1024 * 1024,
    maxOpenFetches: 8,
    egress: opts.egress ?? { allowHosts: [], allowNets: [], maxBytes: DEFAULT_FETCH_MAX_BYTES, timeoutMs: DEFAULT_FETCH_TIMEOUT_MS, maxRedirects: 5 },
  };

  const queue = new FairQueue<Job>(maxPerUser);
  const running = new Set<Job>();
  /** Live hosts, busy or idle. */
  const hosts = new Set<ExecuteHost>();
  let completed = 0;
  let closing = false;
  let closeDone: Promise<void> | null = null;
  let drained: (() => void) | null = null;

  const idleReaper = setInterval(() => {
    for (const h of hosts) if (!h.busy && Date.now() - h.idleSince >= idleTimeoutMs) retire(h, "idle");
  }, Math.max(50, Math.min(idleTimeoutMs, 10_000)));
  idleReaper.unref();

  function retire(host: ExecuteHost, reason: string) {
    hosts.delete(host);
    host.kill(reason);
  }

  function finish(job: Job, result: Settled) {
    completed++;
    job.resolve({ ...result, durationMs: round(performance.now() - job.started) });
  }

  /** An idle host of the job's set, or a new one (ending an idle host of another set when all slots are taken). */
  function hostFor(root: string): ExecuteHost {
    for (const h of hosts) if (!h.alive) hosts.delete(h); // ended while idle (killed, crashed between calls)
    for (const h of hosts) if (!h.busy && h.root === root) return h;
    if (hosts.size >= maxHosts) {
      const idle = [...hosts].filter((h) => !h.busy).sort((a, b) => a.idleSince - b.idleSince)[0];
      if (idle) retire(idle, "making room for another plugin set");
    }
    const host = new ExecuteHost(root, limits);
    hosts.add(host);
    return host;
  }

  function pump() {
    while (running.size < maxHosts) {
      const next = queue.take();
      if (!next) break;
      void start(next.item, next.user);
    }
    if (closing && running.size === 0 && queue.size === 0) drained?.();
  }

  async function start(job: Job, user: string) {
    const { req, timeoutMs } = job;
    running.add(job);
    const host = (job.host = hostFor(job.root));
    // ctx.signal aborts at timeoutMs (in the host); a plugin that ignores it has its host ended a little later.
    const grace = Math.min(1_000, Math.max(100, Math.round(timeoutMs / 10)));
    const timer = setTimeout(() => stop(job, "timeout"), Math.min(MAX_TIMER_MS, timeoutMs + grace));
    const onAbort = () => stop(job, "cancelled");
    req.signal?.addEventListener("abort", onAbort, { once: true });
    let outcome: CallOutcome;
    try {
      outcome = await host.call({
        file: req.file,
        code: req.descriptor.code,
        version: req.descriptor.version,
        inputs: req.inputs,
        timeoutMs,
        runId: req.runId,
        nodeId: req.nodeId,
        root: job.root,
      });
    } finally {
      clearTimeout(timer);
      req.signal?.removeEventListener("abort", onAbort);
    }
    if (!host.alive) hosts.delete(host);
    running.delete(job);
    queue.done(user);
    finish(job, settle({ stopped: job.stopped, timeoutMs: job.timeoutMs, descriptor: req.descriptor }, outcome, limits.heapMb, name));
    pump();
  }

  function stop(job: Job, why: NonNullable<Job["stopped"]>) {
    if (!running.has(job) || job.stopped) return;
    job.stopped = why;
    if (why === "timeout") job.host?.kill(`timed out after ${job.timeoutMs} ms`);
    else {
      // Cancelled: the plugin sees ctx.signal abort, then its host is ended after a short grace.
      job.host?.abort(why === "closed" ? `the execution pool ${name} was closed` : "cancelled");
      const host = job.host;
      setTimeout(() => running.has(job) && host?.kill("cancelled"), why === "closed" ? 0 : 1_000).unref();
    }
  }

  return {
    name,
    get closed() {
      return closing;
    },
    execute(req) {
      const started = performance.now();
      return new Promise<ExecutionResult>((resolve) => {
        const timeoutMs = positive(req.timeoutMs) ?? defaultTimeoutMs;
        const job: Job = { req, root: req.root ?? path.dirname(req.file ?? ""), timeoutMs, started, resolve };
        const refuse = (error: string, status: ExecutionStatus = "failed") => finish(job, { status, outputs: null, logs: [], error });
        if (closing) return refuse(`the execution pool ${name} is closed`);
        if (typeof req.file !== "string" || !path.isAbsolute(req.file)) return refuse("the plugin module path must be absolute");
        if (!path.isAbsolute(job.root) || path.relative(job.root, req.file).startsWith("..")) return refuse("the plugin module must lie inside its set");
        const bad = uncloneable(req.inputs);
        if (bad !== null) return refuse(`inputs cannot be sent to the plugin host: ${bad}`);
        if (req.signal?.aborted) return refuse("cancelled", "cancelled");
        if (running.size >= maxHosts && queue.size >= maxQueue) return refuse(`the execution queue is full (${maxQueue} waiting)`);
        const user = req.user ?? "system";
        queue.push(user, job);
        req.signal?.addEventListener(
          "abort",
          () => {
            for (const j of queue.remove((x) => x === job)) refuseLater(j, "cancelled", "cancelled");
          },
          { once: true },
        );
        pump();
      });
    },
    stats() {
      let live = 0;
      for (const h of hosts) if (h.alive) live++;
      return { hosts: live, queued: queue.size, running: running.size, completed };
    },
    close({ force = false } = {}) {
      closing = true;
      if (force) {
        for (const job of queue.remove(() => true)) refuseLater(job, `cancelled: the execution pool ${name} was closed`);
        for (const job of running) stop(job, "closed");
      }
      closeDone ??= (async () => {
        if (running.size > 0 || queue.size > 0) await new Promise<void>((resolve) => (drained = resolve));
        clearInterval(idleReaper);
        const exits = [...hosts].map((h) => (h.kill("the pool closed"), h));
        hosts.clear();
        await Promise.all(exits.map((h) => h.exited));
      })();
      return closeDone;
    },
  };

  function refuseLater(job: Job, error: string, status: ExecutionStatus = "failed") {
    finish(job, { status, outputs: null, logs: [], error });
  }
}

function positive(n: number | undefined): number | undefined {
  return typeof n === "number" && Number.isFinite(n) && n > 0 ? n : undefined;
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
