// The describe worker: imports a plugin set's modules one at a time, inside a worker thread started by
// describe-set.ts, and posts back each module's exports as plain data. Plain ESM JavaScript on purpose (no TS
// loader needed under vitest, tsx or Next); it imports node builtins only. Validation against the contract
// happens in the main thread (describe-set.ts), so nothing of the contract is duplicated here.
//
// Protocol: workerData = { setDir, modules: [{ entry, file }], state: SharedArrayBuffer(Int32Array[2]) }.
//   state[0] = index of the module being imported (-1 when none), state[1] = 1 once process.exit() was called.
//   Messages: { type: "module", index, ns } | { type: "module", index, error } ... then { type: "done" }.
// `ns` holds the namespace's `plugins` and `default` (only the keys the module has) converted to structured-
// cloneable data; a function becomes { "\u0000t": "function" } and a symbol { "\u0000t": "symbol" } (revived in
// the main thread so the contract sees `typeof execute === "function"`).
import path from "node:path";
import { pathToFileURL } from "node:url";
import { parentPort, workerData } from "node:worker_threads";

const { setDir, modules } = workerData;
const state = new Int32Array(workerData.state);
const setUrl = pathToFileURL(setDir).href.replace(/\/?$/, "/");
const setPrefix = setDir.endsWith(path.sep) ? setDir : setDir + path.sep;

const stdoutWrite = process.stdout.write.bind(process.stdout);
const stderrWrite = process.stderr.write.bind(process.stderr);
function flush(write) {
  return new Promise((resolve) => {
    try {
      write("", () => resolve());
    } catch {
      resolve();
    }
  });
}

// process.exit() inside a worker only ends this thread; flag it so the main thread can say why the worker ended.
const realExit = process.exit.bind(process);
process.exit = function exit(code) {
  Atomics.store(state, 1, 1);
  return realExit(code);
};
// Defence in depth, not a sandbox: a module has no business signalling processes while being described.
process.kill = function kill() {
  throw new Error("process.kill() is not available while describing plugins");
};
// Errors a module throws asynchronously (timers, unhandled rejections) do not end the describe run.
process.on("uncaughtException", (e) => console.error(`uncaught: ${firstLine(e)}`));
process.on("unhandledRejection", (e) => console.error(`unhandled rejection: ${firstLine(e)}`));

const MAX_NODES = 200_000;
const MAX_CHARS = 8_000_000;
const MAX_DEPTH = 32;
const TAG = "\u0000t";

function firstLine(e) {
  let text;
  try {
    if (e instanceof Error) {
      const name = typeof e.name === "string" && e.name ? e.name : "Error";
      text = `${name}: ${String(e.message)}`;
    } else {
      text = String(e);
    }
  } catch {
    text = "a value that cannot be shown";
  }
  // Paths inside the set are shown relative to it (the staging directory is nobody's business).
  const line = text.split("\n", 1)[0].trim().split(setUrl).join("").split(setPrefix).join("");
  return line.length > 500 ? `${line.slice(0, 500)}…` : line;
}

function codeOf(e) {
  try {
    return e instanceof Error ? e.code : undefined;
  } catch {
    return undefined;
  }
}

class TooLarge extends Error {}

/** Converts an exported value to plain, structured-cloneable data (bounded in size and depth). */
function toPlain(value) {
  let nodes = 0;
  let chars = 0;
  const stack = new Set();
  const walk = (v, depth) => {
    if (++nodes > MAX_NODES) throw new TooLarge();
    switch (typeof v) {
      case "function":
        return { [TAG]: "function" };
      case "symbol":
        return { [TAG]: "symbol" };
      case "string":
        chars += v.length;
        if (chars > MAX_CHARS) throw new TooLarge();
        return v;
      case "object":
        break;
      default:
        return v; // number, boolean, bigint, undefined
    }
    if (v === null) return null;
    if (stack.has(v)) return "[Circular]";
    if (depth >= MAX_DEPTH) return "[too deep]";
    stack.add(v);
    try {
      if (Array.isArray(v)) {
        const out = [];
        for (let i = 0; i < v.length; i++) out.push(walk(v[i], depth + 1));
        return out;
      }
      const out = {};
      for (const key of Object.keys(v)) out[key] = walk(v[key], depth + 1);
      return out;
    } finally {
      stack.delete(v);
    }
  };
  return walk(value, 0);
}

function namespaceOf(ns) {
  const out = {};
  if ("plugins" in ns) out.plugins = toPlain(ns.plugins);
  if ("default" in ns) out.default = toPlain(ns.default);
  return out;
}

for (let index = 0; index < modules.length; index++) {
  const { file } = modules[index];
  Atomics.store(state, 0, index);
  let message;
  try {
    const url = pathToFileURL(path.join(setDir, ...file.split("/"))).href;
    const ns = await import(/* webpackIgnore: true */ /* turbopackIgnore: true */ url);
    message = { type: "module", index, ns: namespaceOf(ns) };
  } catch (e) {
    message = {
      type: "module",
      index,
      error:
        e instanceof TooLarge
          ? "the exported plugins are too large to describe"
          : codeOf(e) === "ERR_MODULE_NOT_FOUND"
            ? `module_not_found: ${firstLine(e)}`
            : firstLine(e),
    };
  }
  try {
    parentPort.postMessage(message);
  } catch (e) {
    parentPort.postMessage({ type: "module", index, error: `cannot send the exports: ${firstLine(e)}` });
  }
}
Atomics.store(state, 0, -1);
// Let callbacks the modules scheduled (setTimeout 0) run before the flush: Node 24 ends the worker sooner than 20.
await new Promise((resolve) => setTimeout(resolve, 0));
// The console output travels to the main thread on its own channel, with flow control: wait (briefly) until what
// was written has been taken, or the main thread's terminate() after "done" would drop it.
await Promise.race([
  Promise.all([flush(stdoutWrite), flush(stderrWrite)]),
  new Promise((resolve) => setTimeout(resolve, 250)),
]);
parentPort.postMessage({ type: "done" });
