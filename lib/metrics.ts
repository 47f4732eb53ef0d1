import "server-only";
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import { db } from "./db";
import { activationState, getRuntimeStatus } from "./server/runtime/status";

/**
 * Prometheus metrics (prom-client), served by GET /api/metrics. One registry per process, kept on globalThis so
 * Next's dev-mode module reloads do not register every metric twice. Labels stay bounded: source names (the
 * configured sources), plugin codes (the loaded plugins), statuses, and route patterns — never ids or raw paths.
 */

export interface PoolStats {
  hosts: number;
  queued: number;
}

function create() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  let poolStats: () => PoolStats = () => ({ hosts: 0, queued: 0 });
  /** Generation id → when it was built (it never changes, so one DB read per generation). */
  const builtAt = new Map<number, number>();

  const m = {
    registry,
    setPoolStats(fn: () => PoolStats) {
      poolStats = fn;
    },
    syncRuns: new Counter({
      name: "opsflow_sync_runs_total",
      help: "Finished sync runs by status (succeeded, partial, failed, unchanged: no new generation).",
      labelNames: ["status"] as const,
      registers: [registry],
    }),
    syncSourceDuration: new Histogram({
      name: "opsflow_sync_source_duration_seconds",
      help: "Time to sync one source (revision check, fetch, describe, store), by source and result status.",
      labelNames: ["source", "status"] as const,
      buckets: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600],
      registers: [registry],
    }),
    fetchedBytes: new Counter({
      name: "opsflow_sync_fetched_bytes_total",
      help: "Bytes fetched from plugin sources.",
      labelNames: ["source"] as const,
      registers: [registry],
    }),
    fetchedFiles: new Counter({
      name: "opsflow_sync_fetched_files_total",
      help: "Files fetched from plugin sources.",
      labelNames: ["source"] as const,
      registers: [registry],
    }),
    activeGeneration: new Gauge({
      name: "opsflow_active_generation",
      help: "The plugin generation this instance serves (0: none, built-in plugins only).",
      registers: [registry],
      collect() {
        this.set(getRuntimeStatus().generation ?? 0);
      },
    }),
    activeGenerationAge: new Gauge({
      name: "opsflow_active_generation_age_seconds",
      help: "Seconds since the generation this instance serves was built (0 when none is served).",
      registers: [registry],
      async collect() {
        this.reset();
        const id = getRuntimeStatus().generation;
        if (id === null) return;
        if (!builtAt.has(id)) {
          const row = await db()
            .then((p) => p.generation.findUnique({ where: { id }, select: { readyAt: true, createdAt: true } }))
            .catch(() => null);
          if (!row) return;
          builtAt.set(id, (row.readyAt ?? row.createdAt).getTime());
        }
        this.set((Date.now() - builtAt.get(id)!) / 1000);
      },
    }),
    activationPending: new Gauge({
      name: "opsflow_activation_pending",
      help: "1 while this instance cannot load the active generation yet and serves the one it has verified, else 0.",
      registers: [registry],
      collect() {
        this.set(activationState() === "pending" ? 1 : 0);
      },
    }),
    plugins: new Gauge({
      name: "opsflow_plugins",
      help: "Plugins of the served generation: loaded, failed (not loadable), carried_over (last good copy kept).",
      labelNames: ["state"] as const,
      registers: [registry],
      collect() {
        const p = getRuntimeStatus().plugins;
        this.set({ state: "loaded" }, p.loaded);
        this.set({ state: "failed" }, p.failed);
        this.set({ state: "carried_over" }, p.carriedOver);
      },
    }),
    executions: new Counter({
      name: "opsflow_plugin_executions_total",
      help: "Plugin executions by plugin code and status.",
      labelNames: ["plugin", "status"] as const,
      registers: [registry],
    }),
    executionDuration: new Histogram({
      name: "opsflow_plugin_execution_duration_seconds",
      help: "Plugin execution time by status.",
      labelNames: ["status"] as const,
      buckets: [0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers: [registry],
    }),
    poolThreads: new Gauge({
      name: "opsflow_plugin_hosts",
      help: "Live plugin host processes of the served generation's execution pool.",
      registers: [registry],
      collect() {
        this.set(safeStats().hosts);
      },
    }),
    poolQueue: new Gauge({
      name: "opsflow_plugin_host_queue",
      help: "Plugin executions waiting for a plugin host.",
      registers: [registry],
      collect() {
        this.set(safeStats().queued);
      },
    }),
    httpDuration: new Histogram({
      name: "opsflow_http_request_duration_seconds",
      help: "API request time by route pattern, method and status.",
      labelNames: ["route", "method", "status"] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
  };
  // Known label values start at 0, so rate() and alerts see the series before the first event.
  for (const status of ["succeeded", "partial", "failed", "unchanged"]) m.syncRuns.inc({ status }, 0);
  function safeStats(): PoolStats {
    try {
      return poolStats();
    } catch {
      return { hosts: 0, queued: 0 };
    }
  }
  return m;
}

const g = globalThis as unknown as { __opsflowMetrics?: ReturnType<typeof create> };

export const metrics = (g.__opsflowMetrics ??= create());

/** One finished sync run (dry runs included). */
export function recordSyncRun(status: "succeeded" | "partial" | "failed" | "unchanged"): void {
  metrics.syncRuns.inc({ status });
}

/** One source of a sync run: its duration by status, and what was fetched. */
export function recordSyncSource(r: { name: string; status: string; durationMs: number; bytes: number; files: number }): void {
  metrics.syncSourceDuration.observe({ source: r.name, status: r.status }, r.durationMs / 1000);
  metrics.fetchedBytes.inc({ source: r.name }, r.bytes);
  metrics.fetchedFiles.inc({ source: r.name }, r.files);
}

/** One plugin execution (called by the runtime): `status` e.g. "succeeded", "failed", "timeout". */
export function recordExecution(plugin: string, status: string, seconds: number): void {
  metrics.executions.inc({ plugin, status });
  metrics.executionDuration.observe({ status }, seconds);
}

/** The runtime registers how to read its execution pool's hosts and queue (read at every scrape). */
export function setPoolStatsProvider(fn: () => PoolStats): void {
  metrics.setPoolStats(fn);
}

/** One API request, by route pattern (e.g. `/api/sources/[id]`), method and status. */
export function recordHttpRequest(route: string, method: string, status: number, seconds: number): void {
  metrics.httpDuration.observe({ route, method, status: String(status) }, seconds);
}

/** The exposition text and its content type (Prometheus text format 0.0.4). */
export async function renderMetrics(): Promise<{ body: string; contentType: string }> {
  return { body: await metrics.registry.metrics(), contentType: metrics.registry.contentType };
}
