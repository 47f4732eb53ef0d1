// The execute worker: a piscina task handler that runs ONE plugin's `execute(inputs, ctx)` inside a pool thread
// started by pool.ts. Plain ESM JavaScript on purpose (no TS loader needed under vitest, tsx or Next); it imports
// node builtins only. Output validation against the descriptor happens in the main thread (pool.ts).
//
// Task:   { file, code, version, inputs, timeoutMs, runId?, nodeId?, root? }
//   file: absolute path of the plugin module; root: the plugin set's directory (stack frames outside it are
//   dropped, the ones inside are shown relative to it; default: the module's directory).
// Result: { outputs, logs } | { error: { name, message, stack }, logs } | { timedOut: true, logs }
//   The handler never throws for a plugin's sake (so the logs survive): import errors, a missing plugin, an
//   exception in execute, process.exit(), an uncaught exception / unhandled rejection while the task runs, and a
//   return value that cannot be sent back all become `error`. `timedOut`: ctx.signal was aborted (timeoutMs after
//   the task started) before execute settled; the main thread terminates the thread a little later if the plugin
//   ignores the signal.
//
// Not a sandbox: the thread has an empty env and capped heap (pool.ts), and the process-wide escape hatches a
// plugin could pull by accident (exit, kill) are disabled; plugin code still has the full Node API.
import path from "node:path";
import { pathToFileURL } from "node:url";
import { formatWithOptions } from "node:util";

const MAX_LOG_LINES = 500;
const MAX_LOG_CHARS = 2_000;
const MAX_MESSAGE = 500;
const MAX_STACK_LINES = 10;

// ---- process guards -----------------------------------------------------------------------------------------
// process.exit() in a worker ends the thread (and with it the pool's slot and the task). Turn it into an exception
// the task reports instead. process.reallyExit is what process.exit calls underneath in a worker.
// One exit goes through: Node's own, when the thread dies from an uncaught exception nobody handles (the plugin
// removed our listener). Node sets process._exiting, then calls process.exit(); a throw there would be a second
// exception inside Node's fatal handler, which can abort the whole process (V8 "ToLocalChecked Empty MaybeLocal").
const EXIT_MESSAGE = "process.exit() called by the plugin";
const nodeExit = process.exit;
const nodeReallyExit = process.reallyExit;
function guard(original) {
  return function guardedExit(...args) {
    if (process._exiting === true) return original.apply(process, args);
    throw new Error(EXIT_MESSAGE);
  };
}
process.exit = guard(nodeExit);
process.reallyExit = guard(nodeReallyExit);
function guardedKill() {
  throw new Error("process.kill() is not available to plugins");
}
process.kill = guardedKill;
process._kill = guardedKill;
process.abort = function abort() {
  throw new Error("process.abort() is not available to plugins");
};

// ---- the current task ---------------------------------------------------------------------------------------
// A pool thread runs one task at a time (concurrentTasksPerWorker = 1), so console output and asynchronous errors
// are attributed to the task that is running. Between tasks the thread sleeps in Atomics.wait (piscina's
// atomics: "sync"), so callbacks a plugin left behind only run while a later task runs.
/** @type {{ logs: string[], dropped: number, fail: (e: unknown, how: string) => void } | null} */
let current = null;

function pushLog(task, line) {
  if (task.logs.length >= MAX_LOG_LINES) {
    task.dropped++;
    return;
  }
  task.logs.push(line.length > MAX_LOG_CHARS ? `${line.slice(0, MAX_LOG_CHARS)}…` : line);
}

function formatArgs(args) {
  try {
    const options = { depth: 4, breakLength: Infinity, maxArrayLength: 50, maxStringLength: MAX_LOG_CHARS };
    return formatWithOptions(options, ...args);
  } catch {
    return "[a value that cannot be shown]";
  }
}

// Console output from plugin code joins the task's log instead of the server's stdout.
for (const method of ["log", "info", "debug", "trace", "warn", "error"]) {
  console[method] = (...args) => {
    if (current !== null) pushLog(current, formatArgs(args));
  };
}

// Node's own warnings (e.g. MODULE_TYPELESS_PACKAGE_JSON for a plain .js plugin file, deprecations) would go to the
// server's stderr, and are emitted on a later tick, often while another task runs: drop them.
process.removeAllListeners("warning");

process.on("uncaughtException", (e) => current?.fail(e, "uncaught exception"));
process.on("unhandledRejection", (e) => current?.fail(e, "unhandled rejection"));

// ---- modules and plugins ------------------------------------------------------------------------------------
/** file → Promise<module namespace>, per thread. */
const modules = new Map();
/** file \0 code \0 version → plugin. */
const pluginCache = new Map();

function importModule(file) {
  let ns = modules.get(file);
  if (ns === undefined) {
    ns = import(/* webpackIgnore: true */ /* turbopackIgnore: true */ pathToFileURL(file).href);
    modules.set(file, ns);
    // A failed import is not cached here (Node's loader caches it anyway; a later task reports it again).
    ns.catch(() => modules.delete(file));
  }
  return ns;
}

function pluginsOf(ns) {
  if ("plugins" in ns) return Array.isArray(ns.plugins) ? ns.plugins : [];
  if ("default" in ns) return Array.isArray(ns.default) ? ns.default : [ns.default];
  return [];
}

async function findPlugin(file, code, version) {
  const key = `${file}\u0000${code}\u0000${version}`;
  const cached = pluginCache.get(key);
  if (cached !== undefined) return cached;
  const ns = await importModule(file);
  const plugin = pluginsOf(ns).find(
    (p) => p !== null && typeof p === "object" && p.code === code && p.version === version,
  );
  if (plugin === undefined) {
    throw new PluginError(`the module does not export plugin ${code} version ${version}`);
  }
  if (typeof plugin.execute !== "function") {
    throw new PluginError(`plugin ${code} version ${version}: execute is not a function`);
  }
  pluginCache.set(key, plugin);
  return plugin;
}

class PluginError extends Error {}

// ---- errors -------------------------------------------------------------------------------------------------
function describeError(e, root, prefix = "") {
  let name = "Error";
  let message;
  let stack = "";
  try {
    if (e instanceof Error || (e !== null && typeof e === "object" && "message" in e)) {
      name = typeof e.name === "string" && e.name ? e.name : "Error";
      message = String(e.message);
      stack = typeof e.stack === "string" ? e.stack : "";
    } else {
      message = String(e);
    }
  } catch {
    message = "a value that cannot be shown";
  }
  if (e instanceof PluginError) name = "Error";
  message = `${prefix}${message.split("\n", 1)[0].trim()}`;
  if (message.length > MAX_MESSAGE) message = `${message.slice(0, MAX_MESSAGE)}…`;
  return { name, message, stack: cleanStack(stack, root, `${name}: ${message}`) };
}

/** The first line, then up to 9 frames inside the plugin set, shown relative to it (other frames dropped). */
function cleanStack(stack, root, head) {
  const rootDir = root.endsWith(path.sep) ? root : root + path.sep;
  const rootUrl = pathToFileURL(rootDir).href;
  const frames = stack
    .split("\n")
    .filter((line) => /^\s+at /.test(line) && (line.includes(rootUrl) || line.includes(rootDir)))
    .map((line) => line.split(rootUrl).join("").split(rootDir).join(""))
    .slice(0, MAX_STACK_LINES - 1);
  return [head, ...frames].join("\n");
}

/** Plain data the main thread can receive (structured-cloneable), or why not. */
function cloneError(outputs) {
  try {
    structuredClone(outputs);
    return null;
  } catch (e) {
    return e;
  }
}

// ---- the task handler ---------------------------------------------------------------------------------------
export default async function executeTask({ file, code, version, inputs, timeoutMs, runId, nodeId, root }) {
  const base = typeof root === "string" && root !== "" ? root : path.dirname(file);
  const controller = new AbortController();
  /** @type {(value: { error: unknown, how: string }) => void} */
  let failTask = () => {};
  const failed = new Promise((resolve) => (failTask = resolve));
  const task = {
    logs: [],
    dropped: 0,
    fail(e, how) {
      failTask({ error: e, how });
    },
  };
  current = task;
  const timer =
    typeof timeoutMs === "number" && Number.isFinite(timeoutMs) && timeoutMs > 0
      ? setTimeout(
          () => controller.abort(new DOMException(`timed out after ${timeoutMs} ms`, "TimeoutError")),
          timeoutMs,
        )
      : undefined;
  const ctx = Object.freeze({
    log: (...args) => {
      if (current === task) pushLog(task, formatArgs(args));
    },
    runId: runId ?? null,
    nodeId: nodeId ?? null,
    signal: controller.signal,
  });

  let result;
  try {
    const run = (async () => {
      const plugin = await findPlugin(file, code, version);
      return { outputs: await plugin.execute(inputs, ctx) };
    })();
    const outcome = await Promise.race([run, failed]);
    if (controller.signal.aborted) {
      result = { timedOut: true };
    } else if ("how" in outcome) {
      result = { error: describeError(outcome.error, base, `${outcome.how}: `) };
    } else {
      const bad = cloneError(outcome.outputs);
      const why = bad && `execute returned a value that cannot be sent back (${describeError(bad, base).message})`;
      result = why ? { error: describeError(new PluginError(why), base) } : { outputs: outcome.outputs };
    }
  } catch (e) {
    result = controller.signal.aborted ? { timedOut: true } : { error: describeError(e, base) };
  } finally {
    if (timer !== undefined) clearTimeout(timer);
    current = null;
  }
  if (task.dropped > 0) {
    task.logs[MAX_LOG_LINES - 1] = `[${task.dropped + 1} more log lines dropped]`;
  }
  return { ...result, logs: task.logs };
}
