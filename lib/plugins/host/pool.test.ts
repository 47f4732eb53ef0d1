import path from "node:path";
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
  // A long default time limit: a loaded machine may take seconds to start a host. Tests of the limit set their own.
  pool = createExecutionPool({ name: "g00000001", maxHosts: 2, maxPerUser: 2, heapMb: 32, timeoutMs: 60_000 });
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
  it("passes inputs, runId, nodeId and a signal; runs in another process; captures ctx.log and console", async () => {
    const r = await pool.execute(fx("fx_ctx", { message: "x", list: [1, 2], at: new Date(0) }, { runId: "r-7", nodeId: "node-3" }));
    expect(r.status).toBe("succeeded");
    expect(r.outputs).toEqual({
      runId: "r-7",
      nodeId: "node-3",
      signal: true,
      inputs: { message: "x", list: [1, 2], at: new Date(0) },
      pid: expect.any(Number),
    });
    expect(r.outputs!.pid).not.toBe(process.pid);
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
    expect(r.error).toMatch(/^inputs cannot be sent to the plugin host: inputs\.nested\.callback: DataCloneError/);
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
    expect(r.stack).not.toContain("execute-host");

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

  it("reports a host that dies as crashed, with the error that killed it, then keeps working", async () => {
    const r = await pool.execute(fx("fx_crash"));
    expect(r).toMatchObject({ status: "crashed", outputs: null, error: "the plugin host died (code 1): Error: crashed the host" });
    expect((await pool.execute(fx("fx_noop"))).status).toBe("succeeded");
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
    const r = await pool.execute(fx("fx_loop", {}, { timeoutMs: 500 }));
    const elapsed = performance.now() - t0;
    clearInterval(interval);
    expect(r).toMatchObject({ status: "timed_out", outputs: null, error: "timed out after 500 ms", logs: ["looping"] });
    expect(elapsed).toBeGreaterThanOrEqual(500);
    // The server's event loop kept running while the plugin looped.
    expect(ticks).toBeGreaterThan(5);
    const next = await pool.execute(fx("fx_sleep", { ms: 1 }));
    expect(next).toMatchObject({ status: "succeeded", outputs: { slept: 1 } });
  });

  it("a cooperative plugin sees ctx.signal abort and keeps its logs", async () => {
    const r = await pool.execute(fx("fx_cooperative", {}, { timeoutMs: 500 }));
    expect(r).toMatchObject({ status: "timed_out", error: "timed out after 500 ms", logs: ["waiting for the signal"] });
  });

  it("times out a promise that never settles and a request's own timeout wins", async () => {
    const r = await pool.execute(fx("fx_hang", {}, { timeoutMs: 200 }));
    expect(r).toMatchObject({ status: "timed_out", error: "timed out after 200 ms" });
  });

  it("times out a module that loops while it is imported", async () => {
    const r = await pool.execute({ file: path.join(HOSTILE, "loop.mjs"), descriptor: descriptor("fix_loop"), inputs: {}, timeoutMs: 500 });
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

  it("keeps serving other calls while one loops (maxHosts 2)", async () => {
    let loopDone = false;
    const stop = new AbortController();
    const looping = pool.execute(fx("fx_loop", {}, { signal: stop.signal })).then((r) => ((loopDone = true), r));
    const others = await Promise.all(
      Array.from({ length: 6 }, (_, i) => pool.execute(fx("fx_sleep", { ms: 20 + i })).then((r) => ({ ...r, beforeLoop: !loopDone }))),
    );
    expect(others.map((o) => [o.status, o.beforeLoop])).toEqual(Array(6).fill(["succeeded", true]));
    expect(pool.stats().running).toBe(1);
    stop.abort();
    expect((await looping).status).toBe("cancelled");
  });
});

describe("execution pool: stats and close", () => {
  it("reports hosts, running, queued and completed", async () => {
    const p = createExecutionPool({ name: "stats", maxHosts: 2, maxPerUser: 2, timeoutMs: 60_000 });
    try {
      const before = p.stats();
      expect(before).toMatchObject({ running: 0, queued: 0, completed: 0, hosts: 0 });
      const stop = new AbortController();
      const runs = [p.execute(fx("fx_sleep", { ms: 100 })), ...[1, 2].map(() => p.execute(fx("fx_wait", {}, { signal: stop.signal })))];
      expect(p.stats()).toMatchObject({ running: 2, queued: 1, completed: 0 });
      await runs[0];
      await expect.poll(() => p.stats()).toMatchObject({ running: 2, queued: 0, completed: 1, hosts: 2 });
      stop.abort();
      await Promise.all(runs);
      expect(p.stats()).toMatchObject({ running: 0, queued: 0, completed: 3 });
    } finally {
      await p.close();
    }
  });

  it("a host killed from outside while idle is not counted, and the next call gets a new one", async () => {
    const p = createExecutionPool({ name: "killed", maxHosts: 1 });
    try {
      const first = await p.execute(fx("fx_ctx"));
      const pid = first.outputs!.pid as number;
      expect(p.stats().hosts).toBe(1);
      process.kill(pid, "SIGKILL");
      await expect.poll(() => p.stats().hosts).toBe(0);
      const second = await p.execute(fx("fx_ctx"));
      expect(second.status).toBe("succeeded");
      expect(second.outputs!.pid).not.toBe(pid);
      expect(p.stats().hosts).toBe(1);
    } finally {
      await p.close();
    }
  });

  it("enforces maxQueue", async () => {
    const p = createExecutionPool({ name: "queue", maxHosts: 1, maxQueue: 1 });
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
    const p = createExecutionPool({ name: "close", maxHosts: 1 });
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
    expect(p.stats().hosts).toBe(0);
  });

  it("close({ force: true }) cancels running and queued executions", async () => {
    const p = createExecutionPool({ name: "force", maxHosts: 1, timeoutMs: 60_000 });
    const a = p.execute(fx("fx_hang"));
    const b = p.execute(fx("fx_noop"));
    await expect.poll(() => p.stats().running).toBe(1);
    await p.close({ force: true });
    expect(await a).toMatchObject({ status: "failed", error: "cancelled: the execution pool force was closed" });
    expect(await b).toMatchObject({ status: "failed", error: "cancelled: the execution pool force was closed" });
  });
});

describe("execution pool: fair use", () => {
  it("one user's burst waits behind their own runs: another user's call starts at once", async () => {
    const p = createExecutionPool({ name: "fair", maxHosts: 2, maxPerUser: 1, timeoutMs: 60_000 });
    try {
      const burst = Array.from({ length: 10 }, () => p.execute(fx("fx_wait", { ms: 60_000 }, { user: "member-a" })));
      await expect.poll(() => p.stats()).toMatchObject({ running: 1, queued: 9 });
      // member-a holds one host and has nine waiting; member-b's no-op takes the free host.
      const other = await p.execute(fx("fx_noop", {}, { user: "member-b" }));
      expect(other.status).toBe("succeeded");
      expect(p.stats()).toMatchObject({ running: 1, queued: 9 });
      await p.close({ force: true });
      expect((await Promise.all(burst)).map((r) => r.status)).toEqual(Array(10).fill("failed"));
    } finally {
      await p.close({ force: true });
    }
  });

  it("serves waiting users round-robin, not first come first served", async () => {
    const p = createExecutionPool({ name: "rr", maxHosts: 1, maxPerUser: 1, timeoutMs: 10_000 });
    try {
      const order: string[] = [];
      const run = (user: string, i: number) => p.execute(fx("fx_sleep", { ms: 1 }, { user })).then(() => order.push(`${user}${i}`));
      const all = [run("a", 1), run("a", 2), run("a", 3), run("b", 1), run("b", 2), run("c", 1)];
      await Promise.all(all);
      expect(order).toEqual(["a1", "b1", "c1", "a2", "b2", "a3"]);
    } finally {
      await p.close();
    }
  });
});

describe("execution pool: cancellation", () => {
  it("a cancelled running call stops (ctx.signal aborts, then its host ends) and reports cancelled", async () => {
    const p = createExecutionPool({ name: "cancel", maxHosts: 1, timeoutMs: 60_000 });
    try {
      const controller = new AbortController();
      const waiting = p.execute(fx("fx_wait", { ms: 60_000 }, { signal: controller.signal }));
      await expect.poll(() => p.stats().running).toBe(1);
      controller.abort();
      // Cancelled whether or not the host had got as far as the plugin's first line (a loaded machine may not have).
      const cancelled = await waiting;
      expect(cancelled).toMatchObject({ status: "cancelled", error: "cancelled" });
      expect(["", "waiting"]).toContain(cancelled.logs.join());
      const looping = new AbortController();
      const loop = p.execute(fx("fx_loop", {}, { signal: looping.signal }));
      await expect.poll(() => p.stats().running).toBe(1);
      looping.abort();
      expect(await loop).toMatchObject({ status: "cancelled" });
      expect((await p.execute(fx("fx_noop"))).status).toBe("succeeded");
    } finally {
      await p.close({ force: true });
    }
  });

  it("a cancelled waiting call never starts", async () => {
    const p = createExecutionPool({ name: "cancel-queued", maxHosts: 1, timeoutMs: 60_000 });
    try {
      const first = p.execute(fx("fx_sleep", { ms: 300 }));
      const controller = new AbortController();
      const second = p.execute(fx("fx_log_flood", {}, { signal: controller.signal }));
      controller.abort();
      expect(await second).toMatchObject({ status: "cancelled", logs: [] });
      expect((await first).status).toBe("succeeded");
      expect(p.stats().completed).toBe(2);
      const refused = await p.execute(fx("fx_noop", {}, { signal: AbortSignal.abort() }));
      expect(refused.status).toBe("cancelled");
    } finally {
      await p.close();
    }
  });
});

describe("execution pool: the host is untrusted", () => {
  it("caps the outputs a call may return", async () => {
    const p = createExecutionPool({ name: "outputs", maxHosts: 1, maxOutputBytes: 10_000 });
    try {
      expect(await p.execute(fx("fx_big_output", { bytes: 100 }))).toMatchObject({ status: "succeeded" });
      const big = await p.execute(fx("fx_big_output", { bytes: 20_000 }));
      expect(big).toMatchObject({ status: "failed", error: expect.stringMatching(/^the outputs are \d+ bytes, over the 10000-byte limit$/) });
    } finally {
      await p.close();
    }
  });

  it("ends a host that announces an oversized message or sends bytes that are no message", async () => {
    const huge = await pool.execute(fx("fx_channel_abuse", { how: "huge" }));
    expect(huge).toMatchObject({ status: "crashed", error: expect.stringMatching(/^the plugin sent a message of 4294967280 bytes, over the \d+-byte limit$/) });
    const junk = await pool.execute(fx("fx_channel_abuse", { how: "junk" }));
    expect(junk).toMatchObject({ status: "crashed", error: expect.stringMatching(/malformed message|outside the protocol/) });
    expect((await pool.execute(fx("fx_noop"))).status).toBe("succeeded");
  });
});
