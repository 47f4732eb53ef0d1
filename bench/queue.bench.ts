/**
 * P11 — queue overhead per node on PostgreSQL: in a chain of no-op nodes, the time from one node's plugin call
 * returning to the next node's plugin call starting in its plugin host (the result recorded, the next node
 * enqueued in the same transaction, fetched, claimed, its inputs prepared, the host called). Baseline: the gap
 * between two back-to-back calls of the same plugin on the same pool, without the queue.
 *
 * P12 — throughput of a 1,000-node fan-out of no-op nodes (Start → 1,000 nodes → End), from the run's start to
 * its end as the database records them, on one instance and with a second instance (a child process) executing
 * jobs from the same database; the two set-ups alternate.
 *
 * Both need PostgreSQL: BENCH_DATABASE_URL or TEST_DATABASE_URL (default postgresql://postgres@127.0.0.1:5432/test),
 * where a scratch database is created and dropped.
 */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { median, tmpDir, type Result } from "./lib";

process.env.TEST_DATABASE_URL ??= process.env.BENCH_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/test";
process.env.LOG_LEVEL ??= "warn";

const STAMP_SET = `export const plugins = [{
  code: "bench_stamp", name: "Stamp", version: "1.0.0", group: { code: "BENCH", name: "Bench" },
  inputs: [], outputs: [{ key: "start", label: "Start", type: "number" }, { key: "end", label: "End", type: "number" }],
  async execute() { const start = performance.timeOrigin + performance.now(); return { start, end: performance.timeOrigin + performance.now() }; },
}];
`;

const fmt = (x: number, d = 1) => x.toFixed(d);

interface Cluster {
  url: string;
  user: { id: string; username: string; role: "member"; locale: null; mustChangePassword: false };
  graph(nodes: number, shape: "chain" | "fan-out"): Promise<string>;
  close(): Promise<void>;
}

/** A scratch database with the stamp plugin synced and active, this process's runtime loaded and its workers up. */
async function cluster(): Promise<Cluster> {
  const { createTestDatabase } = await import("../lib/test/database");
  const { startSync } = await import("../lib/server/sync/start-sync");
  const { reloadRuntime } = await import("../lib/server/runtime/runtime");
  const { startRunWorkers, stopRunWorkers } = await import("../lib/server/jobs/job-worker");
  const { stopQueue } = await import("../lib/server/jobs/queue");
  const { createProcess } = await import("../lib/server/processes/create-process");
  const { saveProcess } = await import("../lib/server/processes/save-process");
  process.env.DATA_DIR = tmpDir("queue-data");
  const database = await createTestDatabase();
  const src = tmpDir("queue-src");
  fs.mkdirSync(path.join(src, "bench"));
  fs.writeFileSync(path.join(src, "bench", "stamp.mjs"), STAMP_SET);
  await database.prisma.pluginSource.create({ data: { name: "bench", kind: "fs", settings: { path: src }, pluginSets: { create: [{ submodule: "bench", version: "1", importModules: ["bench/stamp.mjs"] }] } } });
  const { done } = await startSync({ trigger: "cli", actor: "bench", activate: true });
  if (!(await done)) throw new Error("bench sync failed");
  await reloadRuntime();
  await startRunWorkers();
  const row = await database.prisma.user.create({ data: { username: "bench", passwordHash: "x" } });
  const user = { id: row.id, username: row.username, role: "member" as const, locale: null, mustChangePassword: false as const };
  let n = 0;
  return {
    url: database.url!,
    user,
    async graph(count, shape) {
      const p = await createProcess({ name: `bench ${++n}`, description: "" }, user);
      const ids = Array.from({ length: count }, (_, i) => `n${i}`);
      const at = { x: 0, y: 0 };
      const nodes = [
        { id: "start", type: "start" as const, position: at },
        { id: "end", type: "end" as const, position: at },
        ...ids.map((id) => ({ id, type: "plugin" as const, position: at, data: { code: "bench_stamp", version: "1.0.0", inputs: {} } })),
      ];
      const pairs = shape === "chain" ? ["start", ...ids, "end"].slice(1).map((t, i, a) => [i === 0 ? "start" : a[i - 1], t]) : ids.flatMap((id) => [["start", id], [id, "end"]]);
      await saveProcess(p.id, { version: p.version, graph: { nodes, edges: pairs.map(([s, t], i) => ({ id: `e${i}`, source: s, target: t })) } }, user);
      return p.id;
    },
    async close() {
      await stopRunWorkers();
      await stopQueue();
      await database.close();
    },
  };
}

/** How long each startProcessRun took (planning, the run's rows, the first jobs), for the notes. */
const startMs: number[] = [];

async function runAndWait(c: Cluster, processId: string) {
  const { startProcessRun } = await import("../lib/server/processes/start-process-run");
  const { db } = await import("../lib/db");
  const prisma = await db();
  // The limit on run starts is for people, not for a benchmark.
  process.env.PROCESS_RUNS_PER_MINUTE = "1000000";
  const begun = performance.now();
  const { runId } = await startProcessRun(processId, {}, c.user);
  startMs.push(performance.now() - begun);
  // Only the status while it runs (light: the harness must not eat the CPU it measures), the nodes once at the end.
  for (;;) {
    const { status } = await prisma.processRun.findUniqueOrThrow({ where: { id: runId }, select: { status: true } });
    if (status !== "running") break;
    await new Promise((r) => setTimeout(r, 50));
  }
  const run = await prisma.processRun.findUniqueOrThrow({ where: { id: runId }, include: { nodes: { orderBy: { position: "asc" } } } });
  if (run.status !== "succeeded") throw new Error(`bench run ${run.status}: ${run.nodes.find((n) => n.error)?.error}`);
  return run;
}

const CHAIN = 20;

export async function p11(runs: number): Promise<Result> {
  const c = await cluster();
  try {
    const { getRuntime } = await import("../lib/server/runtime/runtime");
    const chain = await c.graph(CHAIN, "chain");
    await runAndWait(c, chain); // warm: hosts started, statements prepared
    const gaps: number[] = [];
    const direct: number[] = [];
    for (let r = 0; r < runs; r++) {
      const run = await runAndWait(c, chain);
      const stamps = run.nodes.map((n) => n.outputs as { start: number; end: number });
      const g = stamps.slice(1).map((s, i) => s.start - stamps[i].end);
      gaps.push(median(g));
      // Baseline: the same plugin called back to back on the same pool, no queue in between.
      const rt = getRuntime();
      const plugin = rt.registry.get("bench_stamp", "1.0.0")!;
      const loc = rt.registry.locate("bench_stamp", "1.0.0")!;
      const calls: { start: number; end: number }[] = [];
      for (let i = 0; i < CHAIN; i++) calls.push((await rt.pool.execute({ ...loc, descriptor: plugin, inputs: {}, user: c.user.username })).outputs as { start: number; end: number });
      direct.push(median(calls.slice(1).map((s, i) => s.start - calls[i].end)));
    }
    const value = median(gaps);
    const baseline = median(direct);
    return {
      id: "P11",
      measure: `queue overhead per node on PostgreSQL: previous node's plugin returned → next node's plugin started, chain of ${CHAIN} (ms, median of ${runs} runs)`,
      value,
      baseline,
      unit: "ms",
      verdict: `${fmt(value, 2)} ms per node (target ≤ 20 ms)`,
      pass: value <= 20,
      notes: `per run [${gaps.map((x) => fmt(x, 2)).join(", ")}] ms; back-to-back pool calls without the queue ${fmt(baseline, 2)} ms; ratio ${fmt(value / baseline, 1)}×`,
    };
  } finally {
    await c.close();
  }
}

const FAN_OUT = 1000;

/** A second instance on the same database (the multi-instance tests' fixture), resolved once its workers run. */
function secondInstance(url: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ["--conditions=react-server", "--import", "tsx", "lib/server/processes/__fixtures__/run-instance.ts"], {
    env: { ...process.env, DATABASE_URL: url, PLUGIN_RUNTIME_DIR: tmpDir("queue-rt"), NODE_ENV: "development", LOG_LEVEL: "warn" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  return new Promise((resolve, reject) => {
    child.stdout!.on("data", (d: Buffer) => d.toString().includes('"instance"') && resolve(child));
    child.once("exit", (code) => reject(new Error(`second instance exited (${code})`)));
  });
}

export async function p12(runs: number): Promise<Result> {
  const c = await cluster();
  let second: ChildProcess | undefined;
  try {
    const fan = await c.graph(FAN_OUT, "fan-out");
    const rate = async () => {
      const run = await runAndWait(c, fan);
      return FAN_OUT / ((run.finishedAt!.getTime() - run.startedAt.getTime()) / 1000);
    };
    await rate(); // warm
    const one: number[] = [];
    const two: number[] = [];
    const cpuPerNode: number[] = [];
    const onOther: number[] = [];
    second = await secondInstance(c.url);
    const stop = (p: ChildProcess) => new Promise<void>((r) => (p.once("exit", () => r()), p.kill("SIGTERM")));
    await stop(second);
    for (let r = 0; r < runs; r++) {
      const cpu = process.cpuUsage();
      one.push(await rate());
      const used = process.cpuUsage(cpu);
      cpuPerNode.push((used.user + used.system) / 1000 / FAN_OUT);
      second = await secondInstance(c.url);
      const { db } = await import("../lib/db");
      const before = Date.now();
      two.push(await rate());
      // How much of the run the other instance took: nodes it executed.
      const { INSTANCE_ID } = await import("../lib/server/jobs/queue");
      const last = await (await db()).processRun.findFirstOrThrow({ where: { startedAt: { gte: new Date(before - 1000) } }, orderBy: { startedAt: "desc" } });
      onOther.push(await (await db()).processRunNode.count({ where: { runId: last.id, instance: { not: INSTANCE_ID } } }));
      await stop(second);
      second = undefined;
    }
    const value = median(one);
    const ratio = median(two) / value;
    return {
      id: "P12",
      measure: `1,000-node fan-out of no-op nodes on PostgreSQL, run start → end (nodes/s, median of ${runs}); second instance on the same database`,
      value,
      baseline: median(two),
      unit: "nodes/s",
      verdict: `${fmt(value, 0)} nodes/s on one instance (target ≥ 200), ${fmt(median(two), 0)} with two: ${fmt(ratio, 2)}× (target ≥ 1.3×)`,
      pass: value >= 200 && ratio >= 1.3,
      notes: `one [${one.map((x) => fmt(x, 0)).join(", ")}], two [${two.map((x) => fmt(x, 0)).join(", ")}] nodes/s; the second instance executed [${onOther.join(", ")}] of ${FAN_OUT} nodes; this process's CPU per node on one instance ${fmt(median(cpuPerNode), 2)} ms (plugin hosts and PostgreSQL not counted); starting the run (its 1,000 rows and jobs, in the measured time) ${fmt(median(startMs), 0)} ms; load average ${os.loadavg().map((l) => fmt(l, 1)).join(" ")}`,
    };
  } finally {
    if (second) second.kill("SIGKILL");
    await c.close();
  }
}
