import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase } from "./test/database";
import { recordExecution, recordHttpRequest, recordSyncRun, recordSyncSource, renderMetrics, setPoolStatsProvider } from "./metrics";
import { getRuntimeStatus, setRuntimeStatus } from "./server/runtime/status";

let database: Awaited<ReturnType<typeof createTestDatabase>>;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.close());

/** The value of one sample line, e.g. `opsflow_sync_runs_total{status="failed"}`. */
function sample(text: string, name: string): number | undefined {
  const line = text.split("\n").find((l) => l.startsWith(`${name} `));
  return line === undefined ? undefined : Number(line.slice(name.length + 1));
}

describe("metrics", () => {
  it("renders the Prometheus text format with default process metrics", async () => {
    const { body, contentType } = await renderMetrics();
    expect(contentType).toBe("text/plain; version=0.0.4; charset=utf-8");
    expect(body).toContain("# TYPE process_cpu_user_seconds_total counter");
    expect(body).toContain("# TYPE opsflow_sync_runs_total counter");
    expect(body).toContain("# TYPE opsflow_http_request_duration_seconds histogram");
  });

  it("counts sync runs, per-source durations and fetched bytes/files", async () => {
    recordSyncRun("failed");
    recordSyncSource({ name: "src-a", status: "succeeded", durationMs: 1500, bytes: 2048, files: 3 });
    recordSyncSource({ name: "src-a", status: "succeeded", durationMs: 500, bytes: 1024, files: 2 });
    const { body } = await renderMetrics();
    expect(sample(body, 'opsflow_sync_runs_total{status="failed"}')).toBe(1);
    expect(sample(body, 'opsflow_sync_source_duration_seconds_count{source="src-a",status="succeeded"}')).toBe(2);
    expect(sample(body, 'opsflow_sync_source_duration_seconds_sum{source="src-a",status="succeeded"}')).toBe(2);
    expect(sample(body, 'opsflow_sync_source_duration_seconds_bucket{le="1",source="src-a",status="succeeded"}')).toBe(1);
    expect(sample(body, 'opsflow_sync_fetched_bytes_total{source="src-a"}')).toBe(3072);
    expect(sample(body, 'opsflow_sync_fetched_files_total{source="src-a"}')).toBe(5);
  });

  it("reads the runtime status, the generation's age and the pool at scrape time", async () => {
    const gen = await database.prisma.generation.create({ data: { status: "active", cacheLocation: "test", readyAt: new Date(Date.now() - 60_000) } });
    setRuntimeStatus({
      generation: gen.id,
      activeInDb: gen.id,
      verified: true,
      origin: "cache",
      problem: null,
      poolUp: true,
      plugins: { loaded: 5, failed: 2, carriedOver: 1 },
      loadedAt: new Date().toISOString(),
      loading: null,
      pending: { generation: gen.id + 1, reason: "the cache is unreachable", since: new Date().toISOString() },
    });
    setPoolStatsProvider(() => ({ hosts: 4, queued: 3 }));
    const { body } = await renderMetrics();
    expect(sample(body, "opsflow_active_generation")).toBe(gen.id);
    expect(sample(body, "opsflow_active_generation_age_seconds")).toBeGreaterThanOrEqual(60);
    expect(sample(body, "opsflow_active_generation_age_seconds")).toBeLessThan(120);
    expect(sample(body, 'opsflow_plugins{state="loaded"}')).toBe(5);
    expect(sample(body, 'opsflow_plugins{state="failed"}')).toBe(2);
    expect(sample(body, 'opsflow_plugins{state="carried_over"}')).toBe(1);
    expect(sample(body, "opsflow_plugin_hosts")).toBe(4);
    expect(sample(body, "opsflow_plugin_host_queue")).toBe(3);
    expect(sample(body, "opsflow_activation_pending")).toBe(1);
    setRuntimeStatus({ ...getRuntimeStatus(), pending: null });
    expect(sample((await renderMetrics()).body, "opsflow_activation_pending")).toBe(0);
  });

  it("a failing pool provider reads as zero instead of breaking the scrape", async () => {
    setPoolStatsProvider(() => {
      throw new Error("pool closed");
    });
    const { body } = await renderMetrics();
    expect(sample(body, "opsflow_plugin_hosts")).toBe(0);
  });

  it("records plugin executions and HTTP requests", async () => {
    recordExecution("cus_sum", "succeeded", 0.02);
    recordExecution("cus_sum", "failed", 0.3);
    recordHttpRequest("/api/sources/[id]", "GET", 200, 0.004);
    const { body } = await renderMetrics();
    expect(sample(body, 'opsflow_plugin_executions_total{plugin="cus_sum",status="succeeded"}')).toBe(1);
    expect(sample(body, 'opsflow_plugin_executions_total{plugin="cus_sum",status="failed"}')).toBe(1);
    expect(sample(body, 'opsflow_plugin_execution_duration_seconds_count{status="failed"}')).toBe(1);
    expect(sample(body, 'opsflow_http_request_duration_seconds_count{route="/api/sources/[id]",method="GET",status="200"}')).toBe(1);
  });
});
