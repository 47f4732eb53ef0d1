// Execute-time fixtures for lib/plugins/host/pool.test.ts: one module, several plugins (code "fx_*").
import { fail } from "./lib/helpers.mjs";

const group = { code: "FIX", name: "Fixtures" };
const plugin = (code, execute, outputs = []) => ({ code, name: code, version: "1.0.0", group, inputs: [], outputs, execute });
const sleep = (ms, signal) =>
  new Promise((resolve, reject) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => {
      clearTimeout(t);
      reject(signal.reason);
    });
  });

export const plugins = [
  plugin("fx_noop", async () => ({})),
  plugin("fx_sleep", async (inputs) => {
    await sleep(Number(inputs.ms));
    return { slept: Number(inputs.ms) };
  }),
  plugin("fx_loop", async (inputs, ctx) => {
    ctx.log("looping");
    for (;;);
  }),
  // Awaits a promise that never settles and ignores ctx.signal.
  plugin("fx_hang", () => new Promise(() => {})),
  // Honours ctx.signal: rejects when it aborts, so the thread survives and the logs come back.
  plugin("fx_cooperative", async (inputs, ctx) => {
    ctx.log("waiting for the signal");
    await sleep(60_000, ctx.signal);
  }),
  plugin("fx_bomb", async () => {
    const hoard = [];
    for (;;) hoard.push(new Array(100_000).fill({ x: hoard.length }));
  }),
  plugin("fx_throw", async (inputs, ctx) => {
    ctx.log("about to throw");
    fail("boom from the plugin");
  }),
  plugin("fx_type_error", async () => {
    const missing = undefined;
    return missing.property;
  }),
  plugin("fx_exit", async () => {
    process.exit(1);
  }),
  // process.exit in a callback, outside execute's promise chain.
  plugin("fx_exit_later", () => new Promise(() => setTimeout(() => process.exit(3), 5))),
  plugin("fx_unhandled", () => {
    Promise.reject(new Error("nobody catches this"));
    return new Promise(() => {});
  }),
  // Removes the host's safety net, then throws asynchronously: the host process dies.
  plugin("fx_crash", () => {
    process.removeAllListeners("uncaughtException");
    return new Promise(() => setTimeout(() => {
      throw new Error("crashed the host");
    }, 5));
  }),
  plugin("fx_kill", async () => {
    process.kill(process.pid, "SIGTERM");
    return {};
  }),
  plugin("fx_wrong_type", async () => ({ count: "three" }), [{ key: "count", label: "Count", type: "number" }]),
  plugin("fx_not_object", async () => "just a string"),
  plugin("fx_returns_function", async () => ({ fn() {} })),
  plugin(
    "fx_types",
    async (inputs) => inputs.value,
    [
      { key: "s", label: "S", type: "string" },
      { key: "n", label: "N", type: "number" },
      { key: "b", label: "B", type: "boolean" },
      { key: "o", label: "O", type: "object" },
      { key: "a", label: "A", type: "array" },
      { key: "x", label: "X", type: "any" },
    ],
  ),
  plugin("fx_env", async () => ({ secret: process.env.OPSFLOW_POOL_TEST_SECRET ?? null, keys: Object.keys(process.env) })),
  plugin("fx_ctx", async (inputs, ctx) => {
    console.log("from console.log", { n: 1 });
    console.error("from console.error");
    ctx.log("from ctx.log", 42, { nested: { ok: true } });
    return {
      runId: ctx.runId,
      nodeId: ctx.nodeId,
      signal: ctx.signal instanceof AbortSignal,
      inputs,
      pid: process.pid,
    };
  }),
  // ctx.fetch and the global fetch (both go through the server's egress policy).
  plugin("fx_fetch", async (inputs, ctx) => {
    const doFetch = inputs.global ? fetch : ctx.fetch;
    try {
      const res = await doFetch(inputs.url, inputs.init ?? {});
      return { status: res.status, body: await res.text(), url: res.url, redirected: res.redirected, header: res.headers.get("x-fixture") };
    } catch (e) {
      return { error: String(e?.cause?.message ?? e?.message ?? e) };
    }
  }),
  // Sleeps until cancelled (honours ctx.signal).
  plugin("fx_wait", async (inputs, ctx) => {
    ctx.log("waiting");
    await sleep(Number(inputs.ms ?? 60_000), ctx.signal);
    return { waited: true };
  }),
  plugin("fx_big_output", async (inputs) => ({ text: "x".repeat(Number(inputs.bytes)) })),
  // Talks to the server on the host's channel directly: a frame that announces 4 GB, or bytes that are no frame.
  plugin("fx_channel_abuse", async (inputs) => {
    const fs = await import("node:fs");
    const frame = Buffer.alloc(8);
    frame.writeUInt32BE(inputs.how === "huge" ? 0xfffffff0 : 4, 0);
    frame.writeUInt32BE(0xdeadbeef, 4);
    fs.writeSync(3, frame);
    return new Promise(() => {});
  }),
  plugin("fx_log_flood", async (inputs, ctx) => {
    ctx.log("x".repeat(5000));
    for (let i = 0; i < 1000; i++) ctx.log(`line ${i}`);
  }),
];
