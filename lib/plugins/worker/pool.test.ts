import { spawnSync } from "node:child_process";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PluginDescriptor } from "../contract";
import { checkOutputs, createExecutionPool, type ExecutionPool, type ExecutionRequest } from "./pool";

const FIXTURES = path.resolve(__dirname, "__fixtures__", "set");
const FIXTURE = path.join(FIXTURES, "plugins.mjs");
const EXAMPLE = path.resolve("examples/plugins/custom_plugins/collections/test1.js");
const HOSTILE = path.resolve("lib/plugins/__fixtures__/sets/hostile");

type Output = PluginDescriptor["outputs"][number];
function descriptor(code: string, outputs: Partial<Output>[] = []): PluginDescriptor {
  return {
    code,
    name: code,
    version: "1.0.0",
    group: { code: "FIX", name: "Fixtures" },
    inputs: [],
    outputs: outputs.map((o) => ({ label: o.key!, type: "any", ...o }) as Output),
  };
}
const fx = (code: string, inputs: Record<string, unknown> = {}, extra: Partial<ExecutionRequest> = {}): ExecutionRequest => ({
  file: FIXTURE,
  descriptor: descriptor(code),
  inputs,
  ...extra,
});

const SECRET = "OPSFLOW_POOL_TEST_SECRET";
let pool: ExecutionPool;

beforeAll(() => {
  process.env[SECRET] = "do-not-leak";
  pool = createExecutionPool({ name: "g00000001", maxThreads: 2, heapMb: 32, timeoutMs: 500 });
});
afterAll(async () => {
  await pool.close({ force: true });
  delete process.env[SECRET];
});

describe("execution pool: the example set", () => {
  it("runs cus_test_1 (echo, repeat, upper) and returns its ctx.log lines", async () => {
    const d = { ...descriptor("cus_test_1"), outputs: [
      { key: "echo", label: "Echo", type: "string" as const },
      { key: "length", label: "Length", type: "number" as const },
    ] };
    const r = await pool.execute({ file: EXAMPLE, descriptor: d, inputs: { message: "hi", repeat: 3, upper: true }, runId: "run1", nodeId: "n1" });
    expect(r).toMatchObject({ status: "succeeded", error: null, outputs: { echo: "HI HI HI", length: 8 } });
    expect(r.logs).toEqual(["echoing 8 characters at level info"]);
    expect(r.durationMs).toBeGreaterThan(0);

    const plain = await pool.execute({ file: EXAMPLE, descriptor: d, inputs: { message: "hey", level: "warn" } });
    expect(plain.outputs).toEqual({ echo: "hey", length: 3 });
    expect(plain.logs).toEqual(["echoing 3 characters at level warn"]);
  });

  it("runs cus_sum", async () => {
    const d = { ...descriptor("cus_sum"), outputs: [{ key: "sum", label: "Sum", type: "number" as const }] };
    const r = await pool.execute({ file: EXAMPLE, descriptor: d, inputs: { a: 2, b: 40 } });
    expect(r).toMatchObject({ status: "succeeded", outputs: { sum: 42 }, logs: [], error: null });
  });

  it("finds the plugin by code AND version", async () => {
    const d = { ...descriptor("cus_sum"), version: "9.9.9" };
    const r = await pool.execute({ file: EXAMPLE, descriptor: d, inputs: { a: 1, b: 1 } });
    expect(r.status).toBe("failed");
    expect(r.error).toBe("the module does not export plugin cus_sum version 9.9.9");
  });
});

describe("execution pool: context, logs and isolation", () => {
  it("passes inputs, runId, nodeId and a signal; runs off the main thread; captures ctx.log and console", async () => {
    const r = await pool.execute(fx("fx_ctx", { message: "x", list: [1, 2], at: new Date(0) }, { runId: "r-7", nodeId: "node-3" }));
    expect(r.status).toBe("succeeded");
    expect(r.outputs).toEqual({
      runId: "r-7",
      nodeId: "node-3",
      signal: true,
      inputs: { message: "x", list: [1, 2], at: new Date(0) },
      mainThread: false,
    });
    expect(r.logs).toEqual(["from console.log { n: 1 }", "from console.error", "from ctx.log 42 { nested: { ok: true } }"]);
  });

  it("caps the log at 500 lines of 2,000 characters", async () => {
    const r = await pool.execute(fx("fx_log_flood"));
    expect(r.status).toBe("succeeded");
    expect(r.logs).toHaveLength(500);
    expect(r.logs[0]).toBe(`${"x".repeat(2_000)}…`);
    expect(r.logs[1]).toBe("line 0");
    expect(r.logs[498]).toBe("line 497");
    expect(r.logs[499]).toBe("[502 more log lines dropped]");
  });

  it("does not show the server's environment to the plugin", async () => {
    expect(process.env[SECRET]).toBe("do-not-leak");
    const r = await pool.execute(fx("fx_env"));
    expect(r.status).toBe("succeeded");
    expect(r.outputs).toEqual({ secret: null, keys: [] });
  });

  it("refuses inputs that cannot be cloned, without touching a thread", async () => {
    const r = await pool.execute(fx("fx_noop", { nested: { callback: () => 1 } }));
    expect(r.status).toBe("failed");
    expect(r.error).toMatch(/^inputs cannot be sent to the worker: inputs\.nested\.callback: DataCloneError/);
    const s = await pool.execute(fx("fx_noop", { tag: Symbol("x") }));
    expect(s.status).toBe("failed");
    expect(s.error).toMatch(/inputs\.tag/);
  });

  it("refuses a relative module path", async () => {
    const r = await pool.execute({ ...fx("fx_noop"), file: "plugins.mjs" });
    expect(r).toMatchObject({ status: "failed", error: "the plugin module path must be absolute" });
  });
});

describe("execution pool: failures are results", () => {
  it("reports an exception with its message, a stack inside the set, and the logs before it", async () => {
    const r = await pool.execute(fx("fx_throw"));
    expect(r).toMatchObject({ status: "failed", outputs: null, error: "boom from the plugin", logs: ["about to throw"] });
    expect(r.stack).toMatch(/^Error: boom from the plugin\n {4}at fail \(lib\/helpers\.mjs:\d+:\d+\)\n {4}at .*\(plugins\.mjs:\d+:\d+\)$/);
    expect(r.stack).not.toContain(FIXTURES);
    expect(r.stack).not.toContain("execute-worker");

    const t = await pool.execute(fx("fx_type_error"));
    expect(t.status).toBe("failed");
    expect(t.error).toMatch(/^TypeError: Cannot read properties of undefined/);
  });

  it("turns process.exit() into a failure, also from a callback, and keeps the pool working", async () => {
    const now = await pool.execute(fx("fx_exit"));
    expect(now).toMatchObject({ status: "failed", error: "process.exit() called by the plugin" });
    const later = await pool.execute(fx("fx_exit_later"));
    expect(later).toMatchObject({ status: "failed", error: "uncaught exception: process.exit() called by the plugin" });
    const kill = await pool.execute(fx("fx_kill"));
    expect(kill).toMatchObject({ status: "failed", error: "process.kill() is not available to plugins" });
    const unhandled = await pool.execute(fx("fx_unhandled"));
    expect(unhandled).toMatchObject({ status: "failed", error: "unhandled rejection: nobody catches this" });
    expect((await pool.execute(fx("fx_noop"))).status).toBe("succeeded");
  });

  it("reports a thread that dies as crashed, then keeps working", async () => {
    const r = await pool.execute(fx("fx_crash"));
    expect(r).toMatchObject({ status: "crashed", outputs: null, error: "the worker failed: Error: crashed the worker" });
    expect((await pool.execute(fx("fx_noop"))).status).toBe("succeeded");
  });

  // Node's worker runtime ends a thread that has an uncaught exception by calling process.exit(): the exit guard
  // must let that call through. When it threw instead, the thread died on a second exception inside Node's fatal
  // handler, which printed the guard's message and, under load, aborted the whole process (V8 "ToLocalChecked").
  it("a thread dying from an uncaught exception exits through Node's own path, not the exit guard", () => {
    const worker = pathToFileURL(path.resolve(__dirname, "execute-worker.mjs")).href;
    const task = { file: FIXTURE, code: "fx_crash", version: "1.0.0", inputs: {}, timeoutMs: 2_000 };
    const code = `import(${JSON.stringify(worker)}).then((m) => m.default(${JSON.stringify(task)}))`;
    const script = `
      const { Worker } = require("node:worker_threads");
      const w = new Worker(${JSON.stringify(code)}, { eval: true });
      w.on("error", (e) => console.log("worker error: " + e.message));
      w.on("exit", (code) => console.log("worker exit " + code));
    `;
    const child = spawnSync(process.execPath, ["-e", script], { encoding: "utf8", timeout: 20_000 });
    expect(child.stdout).toBe("worker error: crashed the worker\nworker exit 1\n");
    expect(child.stderr).not.toContain("process.exit() called by the plugin");
    expect(child.status).toBe(0);
  });

  it("checks the outputs against the descriptor", async () => {
    const wrong = await pool.execute({ ...fx("fx_wrong_type"), descriptor: descriptor("fx_wrong_type", [{ key: "count", type: "number" }]) });
    expect(wrong).toMatchObject({ status: "failed", outputs: null, error: 'output "count" must be a number (got a string)' });

    const notObject = await pool.execute(fx("fx_not_object"));
    expect(notObject).toMatchObject({ status: "failed", error: "execute must return an object (got a string)" });

    const fn = await pool.execute(fx("fx_returns_function"));
    expect(fn.status).toBe("failed");
    expect(fn.error).toMatch(/^execute returned a value that cannot be sent back \(.*could not be cloned/);

    const types = descriptor("fx_types", ["s", "n", "b", "o", "a", "x"].map((key, i) => ({ key, type: (["string", "number", "boolean", "object", "array", "any"] as const)[i] })));
    const ok = await pool.execute({ ...fx("fx_types", { value: { s: "s", n: 1, b: false, o: { k: 1 }, x: [1], extra: "kept" } }), descriptor: types });
    expect(ok).toMatchObject({ status: "succeeded", outputs: { s: "s", n: 1, b: false, o: { k: 1 }, a: null, x: [1], extra: "kept" } });
    const bad = await pool.execute({ ...fx("fx_types", { value: { o: [1] } }), descriptor: types });
    expect(bad.error).toBe('output "o" must be an object (got an array)');
  });

  it("checkOutputs: every type", () => {
    const d = descriptor("t", [
      { key: "s", type: "string" },
      { key: "n", type: "number" },
      { key: "b", type: "boolean" },
      { key: "o", type: "object" },
      { key: "a", type: "array" },
      { key: "x", type: "any" },
    ]);
    expect(checkOutputs(undefined, d)).toEqual({ s: null, n: null, b: null, o: null, a: null, x: null });
    expect(checkOutputs(null, d)).toBe("execute must return an object (got null)");
    expect(checkOutputs([1], d)).toBe("execute must return an object (got an array)");
    expect(checkOutputs({ n: NaN }, d)).toBe('output "n" must be a number (got NaN)');
    expect(checkOutputs({ b: "true" }, d)).toBe('output "b" must be a boolean (got a string)');
    expect(checkOutputs({ a: {} }, d)).toBe('output "a" must be an array (got an object)');
    expect(checkOutputs({ s: 1 }, d)).toBe('output "s" must be a string (got a number)');
    expect(checkOutputs({ x: () => 1 }, d)).toMatchObject({ s: null });
  });
});

describe("execution pool: limits", () => {
  it("times out an infinite loop, then runs the next plugin on the same pool", async () => {
    let ticks = 0;
    const interval = setInterval(() => ticks++, 10);
    const t0 = performance.now();
    const r = await pool.execute(fx("fx_loop"));
    const elapsed = performance.now() - t0;
    clearInterval(interval);
    expect(r).toMatchObject({ status: "timed_out", outputs: null, error: "timed out after 500 ms" });
    expect(elapsed).toBeGreaterThanOrEqual(500);
    expect(elapsed).toBeLessThan(1_500);
    // The main thread kept serving while the plugin looped.
    expect(ticks).toBeGreaterThan(20);
    const next = await pool.execute(fx("fx_sleep", { ms: 1 }));
    expect(next).toMatchObject({ status: "succeeded", outputs: { slept: 1 } });
  });

  it("a cooperative plugin sees ctx.signal abort and keeps its logs", async () => {
    const r = await pool.execute(fx("fx_cooperative"));
    expect(r).toMatchObject({ status: "timed_out", error: "timed out after 500 ms", logs: ["waiting for the signal"] });
  });

  it("times out a promise that never settles and a request's own timeout wins", async () => {
    const t0 = performance.now();
    const r = await pool.execute(fx("fx_hang", {}, { timeoutMs: 200 }));
    expect(r).toMatchObject({ status: "timed_out", error: "timed out after 200 ms" });
    expect(performance.now() - t0).toBeLessThan(1_000);
  });

  it("times out a module that loops while it is imported", async () => {
    const r = await pool.execute({ file: path.join(HOSTILE, "loop.mjs"), descriptor: descriptor("fix_loop"), inputs: {} });
    expect(r.status).toBe("timed_out");
    const exit = await pool.execute({ file: path.join(HOSTILE, "exit.mjs"), descriptor: descriptor("fix_exit"), inputs: {} });
    expect(exit).toMatchObject({ status: "failed", error: "process.exit() called by the plugin" });
  });

  it("reports a memory bomb as crashed, then keeps working", async () => {
    const r = await pool.execute(fx("fx_bomb"));
    expect(r).toMatchObject({ status: "crashed", outputs: null, error: "the plugin exceeded the memory limit (32 MB)" });
    const next = await pool.execute(fx("fx_noop"));
    expect(next.status).toBe("succeeded");
  });

  it("keeps serving other tasks while one loops (maxThreads 2)", async () => {
    let loopDone = false;
    const looping = pool.execute(fx("fx_loop")).then((r) => ((loopDone = true), r));
    const others = await Promise.all(
      Array.from({ length: 6 }, (_, i) => pool.execute(fx("fx_sleep", { ms: 20 + i })).then((r) => ({ ...r, beforeLoop: !loopDone }))),
    );
    expect(others.map((o) => [o.status, o.beforeLoop])).toEqual(Array(6).fill(["succeeded", true]));
    expect(pool.stats().running).toBe(1);
    expect((await looping).status).toBe("timed_out");
  });
});

describe("execution pool: stats and close", () => {
  it("reports threads, running, queued and completed", async () => {
    const p = createExecutionPool({ name: "stats", maxThreads: 2, timeoutMs: 2_000 });
    try {
      const before = p.stats();
      expect(before).toMatchObject({ running: 0, queued: 0, completed: 0 });
      const runs = [100, 400, 100].map((ms) => p.execute(fx("fx_sleep", { ms })));
      expect(p.stats()).toMatchObject({ running: 2, queued: 1, completed: 0 });
      await runs[0];
      await new Promise((resolve) => setTimeout(resolve, 10));
      expect(p.stats()).toMatchObject({ running: 2, queued: 0, completed: 1, threads: 2 });
      await Promise.all(runs);
      expect(p.stats()).toMatchObject({ running: 0, queued: 0, completed: 3 });
    } finally {
      await p.close();
    }
  });

  it("enforces maxQueue", async () => {
    const p = createExecutionPool({ name: "queue", maxThreads: 1, maxQueue: 1 });
    try {
      const a = p.execute(fx("fx_sleep", { ms: 50 }));
      const b = p.execute(fx("fx_sleep", { ms: 1 }));
      const c = await p.execute(fx("fx_noop"));
      expect(c).toMatchObject({ status: "failed", error: "the execution queue is full (1 waiting)" });
      expect((await a).status).toBe("succeeded");
      expect((await b).status).toBe("succeeded");
    } finally {
      await p.close();
    }
  });

  it("close() lets running and queued executions finish, then refuses new ones", async () => {
    const p = createExecutionPool({ name: "close", maxThreads: 1 });
    const order: string[] = [];
    const a = p.execute(fx("fx_sleep", { ms: 200 })).then((r) => (order.push("a"), r));
    const b = p.execute(fx("fx_sleep", { ms: 10 })).then((r) => (order.push("b"), r));
    const closing = p.close().then(() => order.push("closed"));
    expect(p.closed).toBe(true);
    const refused = await p.execute(fx("fx_noop"));
    expect(refused).toMatchObject({ status: "failed", error: "the execution pool close is closed" });
    await closing;
    expect(order).toEqual(["a", "b", "closed"]);
    expect((await a).status).toBe("succeeded");
    expect((await b).status).toBe("succeeded");
    expect(p.stats().threads).toBe(0);
  });

  it("close({ force: true }) cancels running and queued executions", async () => {
    const p = createExecutionPool({ name: "force", maxThreads: 1, timeoutMs: 10_000 });
    const a = p.execute(fx("fx_hang"));
    const b = p.execute(fx("fx_noop"));
    await new Promise((resolve) => setTimeout(resolve, 100));
    const t0 = performance.now();
    await p.close({ force: true });
    expect(performance.now() - t0).toBeLessThan(1_000);
    expect(await a).toMatchObject({ status: "failed", error: "cancelled: the execution pool force was closed" });
    expect(await b).toMatchObject({ status: "failed", error: "cancelled: the execution pool force was closed" });
  });
});

describe("execution pool: round trip (measurement, not an assertion on speed)", () => {
  it("no-op execution vs a direct in-thread call, 200 calls", async () => {
    const N = 200;
    for (let i = 0; i < 20; i++) await pool.execute(fx("fx_noop")); // warm up
    const viaPool: number[] = [];
    for (let i = 0; i < N; i++) {
      const t0 = performance.now();
      const r = await pool.execute(fx("fx_noop", { i }));
      viaPool.push(performance.now() - t0);
      expect(r.status).toBe("succeeded");
    }
    // The same shape of work, in this thread: an async execute returning {} with a ctx, plus the output check.
    const noop = async (_inputs: Record<string, unknown>, _ctx: unknown) => ({});
    const direct: number[] = [];
    for (let i = 0; i < N; i++) {
      const t0 = performance.now();
      const ctx = { log: () => {}, runId: null, nodeId: null, signal: new AbortController().signal };
      checkOutputs(await noop({ i }, ctx), descriptor("fx_noop"));
      direct.push(performance.now() - t0);
    }
    const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
    const p95 = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length * 0.95)];
    console.log(
      `[pool round trip] ${N} no-op executions: median ${median(viaPool).toFixed(3)} ms (p95 ${p95(viaPool).toFixed(3)} ms) ` +
        `via the pool vs median ${median(direct).toFixed(4)} ms (p95 ${p95(direct).toFixed(4)} ms) in-thread`,
    );
    expect(viaPool).toHaveLength(N);
  });
});
